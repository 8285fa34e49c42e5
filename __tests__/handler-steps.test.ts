/** The handler's pure steps, one by one: cors, config, parse, validate, respond, and store's pure helpers. */
import { readConfig } from '../handlers/contact/config';
import { CONTACT_FIELDS, MAX_BODY_BYTES } from '../handlers/contact/fields';
import { bodySizeBytes, parseBody } from '../handlers/contact/body';
import { parseMediaType } from '../handlers/contact/media-type';
import { readRequest, type ApiGatewayEvent } from '../handlers/contact/parse';
import { renderErrorPage } from '../handlers/contact/error-page';
import { corsHeaders, isHtmlFormPost, prefersHtml, thankYouLocation } from '../handlers/contact/respond';
import { classifyFailure, submissionIdFor, toItem } from '../handlers/contact/store';
import { isEmailAddress, isHoneypotFilled, isPhoneNumber, readIdempotencyKey, validateSubmission } from '../handlers/contact/validate';
import { isOriginAllowed, normaliseOrigin, parseAllowedOrigins, type OriginAllowlist } from '../shared/origins';

const allowlist = (value: string): OriginAllowlist => {
  const parsed = parseAllowedOrigins(value);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.allowlist;
};

describe('cors', () => {
  test('origins are normalised like browsers serialise them', () => {
    expect(normaliseOrigin('HTTPS://WWW.Example.com:443')).toBe('https://www.example.com');
    expect(normaliseOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(normaliseOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    for (const bad of [
      'www.example.com',
      'https://example.com/path',
      'ftp://example.com',
      'https://u:p@example.com',
      'https://e.com?q',
      '*.example.com',
      'https://example.com/',
    ]) {
      expect(normaliseOrigin(bad)).toBeUndefined();
    }
  });

  test('ALLOWED_ORIGINS: a list, or "*" alone; empty or invalid entries are reported', () => {
    expect([...allowlist(' https://a.example , http://localhost:3000 ').origins]).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(allowlist('*').anyOrigin).toBe(true);
    expect(parseAllowedOrigins(undefined)).toMatchObject({ ok: false });
    expect(parseAllowedOrigins(' , ')).toMatchObject({ ok: false });
    expect(parseAllowedOrigins('*, https://a.example')).toMatchObject({ ok: false, problems: [expect.stringContaining('only entry')] });
    expect(parseAllowedOrigins('https://a.example, nope')).toMatchObject({ ok: false, problems: [expect.stringContaining('"nope"')] });
  });

  test('only exact allowed origins are echoed; Vary: Origin always', () => {
    const list = allowlist('https://a.example');
    expect(corsHeaders(list, 'https://a.example')).toEqual({ Vary: 'Origin', 'Access-Control-Allow-Origin': 'https://a.example' });
    for (const origin of ['https://a.example.evil', 'http://a.example', 'https://a.example:8443', 'null', undefined]) {
      expect(corsHeaders(list, origin)).toEqual({ Vary: 'Origin' });
    }
    expect(corsHeaders(undefined, 'https://a.example')).toEqual({ Vary: 'Origin' });
    expect(isOriginAllowed(allowlist('*'), 'null')).toBe(false);
    expect(isOriginAllowed(allowlist('*'), 'https://any.example')).toBe(true);
  });
});

describe('config', () => {
  const complete = { TABLE_NAME: 't', AWS_REGION: 'eu-west-1', ALLOWED_ORIGINS: 'https://a.example' };

  test('complete settings, with defaults', () => {
    expect(readConfig(complete)).toMatchObject({ tableName: 't', region: 'eu-west-1', thankYouUrl: '/thank-you.html', requireOrigin: false, problems: [] });
    expect(readConfig({ ...complete, REQUIRE_ORIGIN: 'TRUE', THANK_YOU_URL: 'https://x.example/t' })).toMatchObject({ requireOrigin: true, problems: [] });
  });

  test('every missing or invalid setting is reported', () => {
    expect(readConfig({}).problems).toEqual(['TABLE_NAME is not set', 'AWS_REGION is not set', expect.stringContaining('ALLOWED_ORIGINS')]);
    expect(readConfig({ ...complete, THANK_YOU_URL: '//evil.example/x', REQUIRE_ORIGIN: 'yes' }).problems).toEqual([
      expect.stringContaining('THANK_YOU_URL'),
      expect.stringContaining('REQUIRE_ORIGIN'),
    ]);
  });
});

describe('parse', () => {
  const request = (body: string, contentType?: string, extra: Partial<ApiGatewayEvent> = {}) =>
    readRequest({ httpMethod: 'post', headers: contentType === undefined ? {} : { 'Content-Type': contentType }, body, ...extra });
  const fieldsOf = (body: string, contentType?: string, extra: Partial<ApiGatewayEvent> = {}) => {
    const parsed = parseBody(request(body, contentType, extra));
    if (!parsed.ok) throw new Error(`${parsed.status} ${parsed.error}`);
    return Object.fromEntries(parsed.fields);
  };
  const statusOf = (body: string, contentType?: string, extra: Partial<ApiGatewayEvent> = {}) => {
    const parsed = parseBody(request(body, contentType, extra));
    return parsed.ok ? 'ok' : `${parsed.status} ${parsed.error}`;
  };

  test('readRequest: header names lower-cased, first value wins, method upper-cased, null-safe', () => {
    const read = readRequest({ httpMethod: 'post', headers: { 'X-A': '1', 'x-a': '2' }, multiValueHeaders: { 'X-B': ['3', '4'], 'x-a': ['5'] } });
    expect(read.method).toBe('POST');
    expect(Object.fromEntries(read.headers)).toEqual({ 'x-a': '1', 'x-b': '3' });
    expect(readRequest(null)).toEqual({ method: '', headers: new Map(), body: '', isBase64Encoded: false });
    expect(readRequest({ requestContext: { http: { method: 'GET' } } }).method).toBe('GET');
  });

  test('media types with parameters, quoted values and odd case', () => {
    expect(parseMediaType('Multipart/Form-Data; BOUNDARY="a;b=c"; charset=utf-8')).toEqual({
      type: 'multipart/form-data',
      params: new Map([
        ['boundary', 'a;b=c'],
        ['charset', 'utf-8'],
      ]),
    });
    expect(parseMediaType('nonsense')).toBeUndefined();
  });

  test('urlencoded: +, percent-escapes, first of repeated keys, keys without =, lone %', () => {
    expect(fieldsOf('a=1+2&a=3&b&c=%E2%9C%93&d=100%&e=%zz', 'application/x-www-form-urlencoded')).toEqual({
      a: '1 2',
      b: '',
      c: '✓',
      d: '100%',
      e: '%zz',
    });
    expect(statusOf('a=%FF', 'application/x-www-form-urlencoded')).toBe('400 invalid_encoding');
    expect(fieldsOf('a=%FF', 'application/x-www-form-urlencoded; charset=windows-1252')).toEqual({ a: 'ÿ' });
  });

  test('multipart: quoted boundary, part charset, preamble; malformed bodies are 400', () => {
    const body =
      'preamble\r\n--b;1\r\ncontent-disposition: form-data; name="first_name"\r\n\r\nAda\r\n--b;1\r\nContent-Disposition: form-data; name="x"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nG\xe9\r\n--b;1--\r\nepilogue';
    expect(fieldsOf(Buffer.from(body, 'latin1').toString('base64'), 'multipart/form-data; boundary="b;1"', { isBase64Encoded: true })).toEqual({
      first_name: 'Ada',
      x: 'Gé',
    });
    expect(statusOf('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end', 'multipart/form-data; boundary=b')).toBe('400 malformed_multipart');
    expect(statusOf('--b--', 'multipart/form-data')).toBe('400 malformed_multipart');
    expect(statusOf('--b\r\nX: y\r\n\r\nv\r\n--b--', 'multipart/form-data; boundary=b')).toBe('400 malformed_multipart');
  });

  test('JSON and text/plain; BOM; non-objects refused', () => {
    expect(fieldsOf('\ufeff{"a":1}', 'application/json')).toEqual({ a: 1 });
    expect(fieldsOf('{"a":"b"}', 'text/plain')).toEqual({ a: 'b' });
    expect(fieldsOf('{"__proto__":{"x":1}}', 'application/json')).toEqual(JSON.parse('{"__proto__":{"x":1}}'));
    expect(statusOf('[]', 'application/json')).toBe('400 malformed_json');
    expect(statusOf('hello', 'text/plain')).toBe('400 malformed_json');
  });

  test('size limit first, then content type, then charset and base64', () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    expect(statusOf(big, 'application/unknown')).toBe('413 body_too_large');
    expect(statusOf('x'.repeat(MAX_BODY_BYTES), 'application/unknown')).toBe('415 unsupported_media_type');
    expect(statusOf('{}', undefined)).toBe('415 unsupported_media_type');
    expect(statusOf('', undefined)).toBe('ok');
    expect(statusOf('', 'application/xml')).toBe('415 unsupported_media_type');
    expect(statusOf('{}', 'application/json; charset=klingon')).toBe('415 unsupported_charset');
    expect(statusOf('***', 'application/json', { isBase64Encoded: true })).toBe('400 invalid_base64');
    expect(statusOf(Buffer.from([0xff, 0xfe, 0x41]).toString('base64'), 'application/json', { isBase64Encoded: true })).toBe('400 invalid_encoding');
  });

  test('bodySizeBytes counts UTF-8 bytes, and decoded bytes of base64 without decoding', () => {
    expect(bodySizeBytes(request('é'))).toBe(2);
    for (const length of [0, 1, 2, 3, 100, 10241]) {
      const encoded = Buffer.alloc(length, 7).toString('base64');
      expect(bodySizeBytes(request(encoded, undefined, { isBase64Encoded: true }))).toBe(length);
    }
  });
});

describe('validate', () => {
  const valid = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org' };
  const errorsOf = (fields: Record<string, unknown>) => {
    const result = validateSubmission(new Map(Object.entries(fields)));
    return result.ok ? [] : result.errors.map((error) => `${error.field}:${error.code}`);
  };

  test('trims, drops blank optional fields and unknown fields', () => {
    const result = validateSubmission(new Map(Object.entries({ ...valid, first_name: ' Ada ', company: '  ', job_title: null, extra: 'x' })));
    expect(result).toEqual({ ok: true, submission: valid });
  });

  test('per-field problems', () => {
    expect(errorsOf({})).toEqual(['first_name:required', 'last_name:required', 'email:required']);
    expect(errorsOf({ ...valid, first_name: 5, last_name: ['x'] })).toEqual(['first_name:not_text', 'last_name:not_text']);
    expect(errorsOf({ ...valid, company: 'Tab\there', message: 'Tab\there\r\nand lines' })).toEqual(['company:control_characters']);
    expect(errorsOf({ ...valid, message: 'bell\u0007', job_title: 'c1\u0085' })).toEqual(['job_title:control_characters', 'message:control_characters']);
    expect(errorsOf({ ...valid, first_name: 'half \ud800 surrogate' })).toEqual(['first_name:control_characters']);
    expect(errorsOf({ ...valid, first_name: '🦄'.repeat(CONTACT_FIELDS.first_name.maxLength) })).toEqual([]);
    expect(errorsOf({ ...valid, first_name: 'a'.repeat(CONTACT_FIELDS.first_name.maxLength + 1) })).toEqual(['first_name:too_long']);
    expect(errorsOf({ ...valid, phone_number: 'call me' })).toEqual(['phone_number:invalid_phone']);
  });

  test('email syntax', () => {
    for (const good of ['a@b.co', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'jürgen@müller.de', 'x@xn--mller-kva.de', 'user@example.museum']) {
      expect(isEmailAddress(good)).toBe(true);
    }
    for (const bad of [
      'plain',
      '@example.com',
      'a@',
      'a@b',
      'a@b.c',
      'a..b@example.com',
      '.a@example.com',
      'a.@example.com',
      'a@-b.com',
      'a@b-.com',
      'a b@example.com',
      'a@b..com',
      'a@[127.0.0.1]',
      '"quoted"@example.com',
      'a@b.123',
      `${'a'.repeat(65)}@example.com`,
      'a@b@example.com',
    ]) {
      expect(isEmailAddress(bad)).toBe(false);
    }
  });

  test('phone syntax', () => {
    for (const good of ['+44 20 7946 0958', '(555) 010-9999', '555.010.9999 ext. 12', '0800/123456', '112']) expect(isPhoneNumber(good)).toBe(true);
    for (const bad of ['12', 'abc', '+1 555 CALL NOW', '1'.repeat(21)]) expect(isPhoneNumber(bad)).toBe(false);
  });

  test('honeypot and idempotency key', () => {
    expect(isHoneypotFilled(new Map())).toBe(false);
    expect(isHoneypotFilled(new Map([['_gotcha', '  ']]))).toBe(false);
    expect(isHoneypotFilled(new Map([['_gotcha', 'x']]))).toBe(true);
    expect(isHoneypotFilled(new Map([['_gotcha', 0]]))).toBe(true);

    const headers = new Map([['idempotency-key', 'k-1']]);
    expect(readIdempotencyKey(headers, new Map([['submission_id', 'ignored']]))).toEqual({ ok: true, key: 'k-1' });
    expect(readIdempotencyKey(new Map(), new Map([['submission_id', 'from-body']]))).toEqual({ ok: true, key: 'from-body' });
    expect(readIdempotencyKey(new Map(), new Map())).toEqual({ ok: true, key: undefined });
    expect(readIdempotencyKey(new Map(), new Map([['submission_id', 42]]))).toMatchObject({ ok: false, error: { field: 'submission_id' } });
    expect(readIdempotencyKey(new Map([['idempotency-key', 'x'.repeat(129)]]), new Map())).toMatchObject({ ok: false });
  });
});

describe('respond', () => {
  test('prefersHtml: browsers navigating yes, fetch and API clients no', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/*;q=0.9, application/json;q=0.1')).toBe(true);
  });

  test('isHtmlFormPost: a form body type and an Accept preferring HTML, both', () => {
    const browser = 'text/html,application/xhtml+xml,*/*;q=0.8';
    expect(isHtmlFormPost('application/x-www-form-urlencoded', browser)).toBe(true);
    expect(isHtmlFormPost('Multipart/Form-Data; boundary=x', browser)).toBe(true);
    expect(isHtmlFormPost('application/x-www-form-urlencoded', '*/*')).toBe(false);
    expect(isHtmlFormPost('application/json', browser)).toBe(false);
    expect(isHtmlFormPost('text/plain', browser)).toBe(false);
    expect(isHtmlFormPost(undefined, browser)).toBe(false);
  });

  test('the error page: labels as the form has them, every value escaped, attributes included', () => {
    const html = renderErrorPage({
      error: 'invalid_fields',
      message: 'Some fields are invalid.',
      requestId: 'r"1',
      fields: [
        { field: 'first_name', code: 'required', message: 'Required.' },
        { field: 'x" onclick="y', code: 'file_not_accepted', message: 'Files <are> not accepted.' },
      ],
    });
    expect(html).toContain('<strong>First name</strong>: Required.');
    expect(html).toContain('data-field="x&quot; onclick=&quot;y"');
    expect(html).toContain('<strong>“x&quot; onclick=&quot;y”</strong>: Files &lt;are&gt; not accepted.');
    expect(html).toContain('data-request-id="r&quot;1"');
    expect(html).not.toContain('onclick="');
    expect(html).toContain('Back button');
    expect(renderErrorPage({ error: 'e', message: 'm', requestId: 'r' })).not.toMatch(/<ul>/);
  });

  test('thankYouLocation: absolute URL as is; a path on the allowed Origin or Referer site only', () => {
    const list = allowlist('https://a.example');
    const headers = (entries: Record<string, string>) => new Map(Object.entries(entries));
    expect(thankYouLocation('https://t.example/ok', list, headers({}))).toBe('https://t.example/ok');
    expect(thankYouLocation('/thanks', list, headers({ origin: 'https://a.example' }))).toBe('https://a.example/thanks');
    expect(thankYouLocation('/thanks', list, headers({ referer: 'https://a.example/contact?x=1' }))).toBe('https://a.example/thanks');
    expect(thankYouLocation('/thanks', list, headers({ referer: 'https://evil.example/' }))).toBeUndefined();
    expect(thankYouLocation('/thanks', list, headers({}))).toBeUndefined();
  });
});

describe('store helpers', () => {
  test('ids: UUID-shaped, deterministic per idempotency key, random otherwise', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(submissionIdFor('k')).toBe(submissionIdFor('k'));
    expect(submissionIdFor('k')).not.toBe(submissionIdFor('K'));
    expect(submissionIdFor('k')).toMatch(uuid);
    expect(submissionIdFor('k')[14]).toBe('8');
    expect(submissionIdFor(undefined)).not.toBe(submissionIdFor(undefined));
  });

  test('the item holds id, accepted fields, submittedAt and a cleaned user agent only', () => {
    const item = toItem({
      id: 'i',
      submission: { first_name: 'A', last_name: 'B', email: 'a@b.co', message: 'm' },
      submittedAt: '2024-01-01T00:00:00.000Z',
      userAgent: `Mozilla\u0000/5.0 ${'x'.repeat(600)}`,
    });
    expect(Object.keys(item)).toEqual(['id', 'first_name', 'last_name', 'email', 'message', 'submittedAt', 'userAgent']);
    expect(item.userAgent!.S).toMatch(/^Mozilla\/5\.0 x+$/);
    expect(item.userAgent!.S!.length).toBe(512);
    expect(toItem({ id: 'i', submission: { first_name: 'A', last_name: 'B', email: 'a@b.co' }, submittedAt: 't', userAgent: ' ' })).not.toHaveProperty(
      'userAgent',
    );
  });

  test('failures: throttling and unavailability are retryable, the rest are not', () => {
    const error = (name: string, extra: object = {}) => Object.assign(new Error('x'), { name, ...extra });
    expect(classifyFailure(error('ProvisionedThroughputExceededException'))).toMatchObject({ outcome: 'unavailable' });
    expect(classifyFailure(error('ThrottlingException'))).toMatchObject({ outcome: 'unavailable' });
    expect(classifyFailure(error('Whatever', { $metadata: { httpStatusCode: 503 } }))).toMatchObject({ outcome: 'unavailable' });
    expect(classifyFailure(error('Error', { code: 'ECONNREFUSED' }))).toMatchObject({ outcome: 'unavailable' });
    expect(classifyFailure(error('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toEqual({
      outcome: 'failed',
      errorName: 'ValidationException',
    });
    expect(classifyFailure(error('AccessDeniedException'))).toMatchObject({ outcome: 'failed' });
    expect(classifyFailure('a string')).toEqual({ outcome: 'failed', errorName: 'UnknownError' });
  });
});

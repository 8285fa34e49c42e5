/**
 * The bundled contact handler (extracted from the zip that bundle.ts builds) against dynalite: every content
 * type, every error status, idempotency, honeypot, CORS, missing configuration and DynamoDB going away.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { bundleContactHandler } from '../../handlers/bundle';
import type { ApiGatewayEvent, ApiGatewayResult, LambdaContext } from '../../handlers/contact/index';
import { MAX_BODY_BYTES } from '../../handlers/contact/fields';
import { createContactTable, extractHandler, localHandlerEnvironment, startLocalDynamoDb, type LocalDynamoDb } from '../../handlers/local-dynamodb';

// The SDK's notice that it will drop Node 20 in 2027 (Lambda runs the handler on Node 22 or 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Handler = (event: ApiGatewayEvent | null | undefined, context?: LambdaContext) => Promise<ApiGatewayResult>;

const SITE = 'https://www.example.com';
const OTHER_SITE = 'http://localhost:8080';
const TABLE = 'contact-submissions';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const VALID = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.org',
  job_title: 'Analyst',
  phone_number: '+44 20 7946 0958',
  company: 'Analytical Engines Ltd',
  message: 'Hello,\nI would like a quote.',
};

let db: LocalDynamoDb;
let zipPath: string;
let handler: Handler;
let logs: string[];
const savedEnv = { ...process.env };
let requestCounter = 0;

function loadHandler(env: Record<string, string | undefined>): Handler {
  process.env = { ...savedEnv, ...localHandlerEnvironment(db.endpoint, TABLE, `${SITE}, ${OTHER_SITE}`), AWS_MAX_ATTEMPTS: '2' };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const file = extractHandler(zipPath);
  let loaded: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler as built: a bundle whose path is known at run time
    loaded = (require(file) as { handler: Handler }).handler;
  });
  return loaded!;
}

function post(body: string | undefined, headers: Record<string, string> | null, extra: Partial<ApiGatewayEvent> = {}): ApiGatewayEvent {
  return { httpMethod: 'POST', headers, body: body ?? null, isBase64Encoded: false, requestContext: { requestId: 'api-request' }, ...extra };
}

const json = (body: object, headers: Record<string, string> = {}) =>
  post(JSON.stringify(body), { 'Content-Type': 'application/json', Origin: SITE, 'User-Agent': 'jest-test/1.0', ...headers });

const urlencode = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value).replace(/%20/g, '+')}`)
    .join('&');

function multipart(parts: { name: string; value: string; filename?: string }[], boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW') {
  const body = parts
    .map(
      (part) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
        (part.filename !== undefined ? `; filename="${part.filename}"\r\nContent-Type: text/plain` : '') +
        `\r\n\r\n${part.value}\r\n`,
    )
    .join('');
  return { body: `${body}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function invoke(event: ApiGatewayEvent | null | undefined, fn: Handler = handler): Promise<ApiGatewayResult & { json: any }> {
  const result = await fn(event, { awsRequestId: `lambda-request-${++requestCounter}` });
  const isJson = result.headers['Content-Type']?.startsWith('application/json');
  return { ...result, json: isJson ? JSON.parse(result.body) : undefined };
}

async function items(): Promise<Record<string, AttributeValue>[]> {
  return (await db.client.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }))).Items ?? [];
}

async function itemById(id: string): Promise<Record<string, string> | undefined> {
  const item = (await items()).find((candidate) => candidate.id?.S === id);
  return item && Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S!]));
}

/** Runs `action` and returns how many items it added to the table. */
async function itemsAddedBy(action: () => Promise<unknown>): Promise<number> {
  const before = (await items()).length;
  await action();
  return (await items()).length - before;
}

beforeAll(async () => {
  zipPath = bundleContactHandler({ outDir: mkdtempSync(join(tmpdir(), 'contact-zip-')) }).zipPath;
  db = await startLocalDynamoDb();
  await createContactTable(db.client, TABLE);
  handler = loadHandler({});
});

beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  process.env = savedEnv;
  await db?.stop();
});

describe('bodies a browser sends', () => {
  test('JSON: 201 with the id; the item holds the accepted fields, submittedAt and user agent, nothing else', async () => {
    const response = await invoke(json({ ...VALID, first_name: '  Ada  ', unknown_field: 'dropped', admin: true }));
    expect(response.statusCode).toBe(201);
    expect(response.json).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const item = await itemById(response.json.id);
    expect(item).toEqual({
      id: response.json.id,
      ...VALID,
      submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      userAgent: 'jest-test/1.0',
    });
  });

  test('urlencoded: + is a space, percent-escapes are decoded, the first of repeated keys wins', async () => {
    const body = 'first_name=Jos%C3%A9+Mar%C3%ADa&last_name=O%27Brien&last_name=Ignored&email=jose%2Btag%40example.com&message=50%25+off%3F';
    const response = await invoke(post(body, { 'content-type': 'application/x-www-form-urlencoded', origin: SITE, accept: '*/*' }));
    expect(response.statusCode).toBe(201);
    expect(await itemById(response.json.id)).toMatchObject({
      first_name: 'José María',
      last_name: "O'Brien",
      email: 'jose+tag@example.com',
      message: '50% off?',
    });
  });

  test('multipart/form-data text fields are stored', async () => {
    const { body, contentType } = multipart([
      { name: 'first_name', value: 'Grace' },
      { name: 'last_name', value: 'Hopper' },
      { name: 'email', value: 'grace@example.com' },
      { name: 'message', value: 'Line one\r\nLine two' },
    ]);
    const response = await invoke(post(body, { 'Content-Type': contentType, Origin: SITE }));
    expect(response.statusCode).toBe(201);
    expect(await itemById(response.json.id)).toMatchObject({ first_name: 'Grace', message: 'Line one\r\nLine two' });
  });

  test('multipart file parts are refused with 400 and nothing is stored', async () => {
    const { body, contentType } = multipart([
      { name: 'first_name', value: 'Grace' },
      { name: 'last_name', value: 'Hopper' },
      { name: 'email', value: 'grace@example.com' },
      { name: 'attachment', value: 'file content', filename: 'cv.txt' },
    ]);
    let response!: Awaited<ReturnType<typeof invoke>>;
    expect(await itemsAddedBy(async () => (response = await invoke(post(body, { 'Content-Type': contentType, Origin: SITE }))))).toBe(0);
    expect(response.statusCode).toBe(400);
    expect(response.json.fields).toEqual([{ field: 'attachment', code: 'file_not_accepted', message: expect.any(String) }]);
  });

  test('text/plain JSON from navigator.sendBeacon', async () => {
    const response = await invoke(post(JSON.stringify(VALID), { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SITE }));
    expect(response.statusCode).toBe(201);
    expect(await itemById(response.json.id)).toMatchObject({ email: VALID.email });
  });

  test.each([
    ['application/json', JSON.stringify(VALID)],
    ['application/x-www-form-urlencoded', urlencode(VALID)],
    [
      multipart(Object.entries(VALID).map(([name, value]) => ({ name, value }))).contentType,
      multipart(Object.entries(VALID).map(([name, value]) => ({ name, value }))).body,
    ],
    ['text/plain', JSON.stringify(VALID)],
  ])('base64-encoded %s', async (contentType, body) => {
    const response = await invoke(post(Buffer.from(body, 'utf8').toString('base64'), { 'Content-Type': contentType, Origin: SITE }, { isBase64Encoded: true }));
    expect(response.statusCode).toBe(201);
    expect(await itemById(response.json.id)).toMatchObject({ first_name: 'Ada', message: VALID.message });
  });

  test('a charset parameter decodes base64 bytes and percent-escapes (ISO-8859-1)', async () => {
    const latin1Json = Buffer.from(JSON.stringify({ ...VALID, first_name: 'Zoë' }), 'latin1').toString('base64');
    const jsonResponse = await invoke(post(latin1Json, { 'Content-Type': 'application/json; charset=ISO-8859-1', Origin: SITE }, { isBase64Encoded: true }));
    expect(jsonResponse.statusCode).toBe(201);
    expect((await itemById(jsonResponse.json.id))?.first_name).toBe('Zoë');

    const form = 'first_name=Ren%E9e&last_name=Dupr%E9&email=renee%40example.fr';
    const formResponse = await invoke(post(form, { 'Content-Type': 'application/x-www-form-urlencoded; charset="iso-8859-1"', Origin: SITE }));
    expect(formResponse.statusCode).toBe(201);
    expect(await itemById(formResponse.json.id)).toMatchObject({ first_name: 'Renée', last_name: 'Dupré' });
  });

  test('header names in any case; headers null or missing; multiValueHeaders only', async () => {
    const upper = await invoke(post(JSON.stringify(VALID), { 'CONTENT-TYPE': 'APPLICATION/JSON', ORIGIN: SITE }));
    expect(upper.statusCode).toBe(201);
    expect(upper.headers['Access-Control-Allow-Origin']).toBe(SITE);

    const nullHeaders = await invoke(post(JSON.stringify(VALID), null));
    expect(nullHeaders.statusCode).toBe(415);
    expect(nullHeaders.headers.Vary).toBe('Origin');

    const { headers: _omitted, ...noHeaders } = post('', null);
    expect((await invoke(noHeaders)).statusCode).toBe(400);

    const multi = await invoke(post(JSON.stringify(VALID), null, { multiValueHeaders: { 'Content-Type': ['application/json'], Origin: [SITE] } }));
    expect(multi.statusCode).toBe(201);
    expect(multi.headers['Access-Control-Allow-Origin']).toBe(SITE);
  });

  test('an empty body is 400 listing each required field', async () => {
    for (const event of [post('', { 'Content-Type': 'application/json', Origin: SITE }), post(undefined, { Origin: SITE })]) {
      const response = await invoke(event);
      expect(response.statusCode).toBe(400);
      expect(response.json.fields.map((field: { field: string; code: string }) => `${field.field}:${field.code}`)).toEqual([
        'first_name:required',
        'last_name:required',
        'email:required',
      ]);
    }
  });

  test('an HTTP API (v2) event', async () => {
    const response = await invoke({
      headers: { 'content-type': 'application/json', origin: SITE },
      body: JSON.stringify(VALID),
      isBase64Encoded: false,
      requestContext: { requestId: 'v2', http: { method: 'POST', userAgent: 'v2-agent' } },
    });
    expect(response.statusCode).toBe(201);
    expect((await itemById(response.json.id))?.userAgent).toBe('v2-agent');
  });
});

describe('plain HTML forms', () => {
  test('urlencoded with Accept preferring text/html: 303 to the thank-you page on the submitting site', async () => {
    let response!: Awaited<ReturnType<typeof invoke>>;
    const added = await itemsAddedBy(async () => {
      response = await invoke(post(urlencode(VALID), { 'Content-Type': 'application/x-www-form-urlencoded', Origin: OTHER_SITE, Accept: BROWSER_ACCEPT }));
    });
    expect(added).toBe(1);
    expect(response.statusCode).toBe(303);
    expect(response.headers.Location).toBe(`${OTHER_SITE}/thank-you.html`);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(OTHER_SITE);
  });

  test('multipart with Accept preferring text/html: 303; the Referer is used when Origin is absent', async () => {
    const { body, contentType } = multipart(Object.entries(VALID).map(([name, value]) => ({ name, value })));
    const response = await invoke(post(body, { 'Content-Type': contentType, Referer: `${SITE}/contact.html`, Accept: BROWSER_ACCEPT }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.Location).toBe(`${SITE}/thank-you.html`);
  });

  test('an absolute THANK_YOU_URL is used as is; JSON requests still get 201', async () => {
    const custom = loadHandler({ THANK_YOU_URL: 'https://thanks.example.net/done' });
    const form = await invoke(post(urlencode(VALID), { 'Content-Type': 'application/x-www-form-urlencoded', Accept: BROWSER_ACCEPT }), custom);
    expect(form.statusCode).toBe(303);
    expect(form.headers.Location).toBe('https://thanks.example.net/done');
    const api = await invoke(json(VALID, { Accept: BROWSER_ACCEPT }), custom);
    expect(api.statusCode).toBe(201);
  });
});

describe('plain HTML forms: errors', () => {
  const formHeaders = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Origin: SITE,
    Referer: `${SITE}/contact.html`,
    Accept: BROWSER_ACCEPT,
  };

  test('invalid fields: a 400 HTML page listing each field by its label; nothing is stored', async () => {
    let response!: Awaited<ReturnType<typeof invoke>>;
    const added = await itemsAddedBy(async () => {
      response = await invoke(post(urlencode({ ...VALID, email: 'ada@example', phone_number: 'call me' }), formHeaders));
    });
    expect(added).toBe(0);
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': SITE,
      Vary: 'Origin',
    });
    expect(response.headers['Content-Security-Policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(response.body).toContain('<title>Your message was not sent</title>');
    expect(response.body).toContain(`<main data-error="invalid_fields" data-request-id="lambda-request-${requestCounter}">`);
    expect(response.body).toContain('<li data-field="email" data-code="invalid_email"><strong>Email</strong>: Not a valid email address.</li>');
    expect(response.body).toContain('<li data-field="phone_number" data-code="invalid_phone"><strong>Phone number</strong>: Not a valid phone number.</li>');
    expect(response.body.match(/<li /g)).toHaveLength(2);
    // Back, not a link: Back keeps what was typed.
    expect(response.body).toContain('Back button');
    expect(response.body).not.toContain('<a ');
  });

  test('the inline style is the one the policy allows by hash', async () => {
    const response = await invoke(post(urlencode({ email: 'x' }), formHeaders));
    const style = /<style>([^<]*)<\/style>/.exec(response.body)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(response.headers['Content-Security-Policy']).toContain(`style-src 'sha256-${hash}'`);
  });

  test('a body problem (415, 413, a file part): the page, with the request’s text escaped', async () => {
    const charset = await invoke(post('a=b', { ...formHeaders, 'Content-Type': 'application/x-www-form-urlencoded; charset="<script>x</script>"' }));
    expect(charset.statusCode).toBe(415);
    expect(charset.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(charset.body).toContain('data-error="unsupported_charset"');
    expect(charset.body).not.toContain('<script>');
    expect(charset.body).toContain('&lt;script&gt;x&lt;/script&gt;');

    const large = await invoke(post(`message=${'x'.repeat(MAX_BODY_BYTES)}`, formHeaders));
    expect(large.statusCode).toBe(413);
    expect(large.body).toContain('data-error="body_too_large"');

    const file = multipart([{ name: '<b onmouseover=x>', value: 'x', filename: 'a.txt' }]);
    const upload = await invoke(post(file.body, { ...formHeaders, 'Content-Type': file.contentType }));
    expect(upload.statusCode).toBe(400);
    expect(upload.body).toContain('data-code="file_not_accepted"');
    expect(upload.body).not.toMatch(/<b /);
  });

  test('a script asking for JSON gets JSON errors, form body or not', async () => {
    const response = await invoke(post(urlencode({ email: 'x' }), { ...formHeaders, Accept: 'application/json' }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_fields' });
    const jsonBody = await invoke(json({ email: 'x' }, { Accept: BROWSER_ACCEPT }));
    expect(jsonBody.json).toMatchObject({ error: 'invalid_fields' });
  });
});

describe('bad input', () => {
  test('400 lists each invalid field and why; nothing is stored', async () => {
    let response!: Awaited<ReturnType<typeof invoke>>;
    const added = await itemsAddedBy(async () => {
      response = await invoke(json({ first_name: 'A\u0000da', last_name: 'x'.repeat(101), email: 'not-an-email@', phone_number: 'call me', message: 42 }));
    });
    expect(added).toBe(0);
    expect(response.statusCode).toBe(400);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(SITE);
    expect(response.json).toMatchObject({ error: 'invalid_fields', requestId: expect.stringMatching(/^lambda-request-/) });
    expect(response.json.fields.map((field: { field: string; code: string }) => `${field.field}:${field.code}`)).toEqual([
      'first_name:control_characters',
      'last_name:too_long',
      'email:invalid_email',
      'phone_number:invalid_phone',
      'message:not_text',
    ]);
  });

  test('malformed JSON and a non-object JSON body are 400', async () => {
    for (const body of ['{"first_name":', '[1,2]', '"text"', 'null']) {
      const response = await invoke(post(body, { 'Content-Type': 'application/json', Origin: SITE }));
      expect(response.statusCode).toBe(400);
      expect(response.json.error).toBe('malformed_json');
    }
  });

  test('413 over the body size limit, before parsing (also for base64 bodies)', async () => {
    const big = JSON.stringify({ ...VALID, message: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await invoke(post(big, { 'Content-Type': 'application/json', Origin: SITE }));
    expect(response.statusCode).toBe(413);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(SITE);
    const notEvenParsed = await invoke(post(`{${'x'.repeat(MAX_BODY_BYTES)}`, { 'Content-Type': 'application/xml', Origin: SITE }));
    expect(notEvenParsed.statusCode).toBe(413);
    const base64 = await invoke(post(Buffer.alloc(MAX_BODY_BYTES + 1, 'a').toString('base64'), { 'Content-Type': 'text/plain' }, { isBase64Encoded: true }));
    expect(base64.statusCode).toBe(413);
  });

  test('415 for an unsupported content type or charset', async () => {
    for (const contentType of ['application/xml', 'text/html', 'not a media type', 'application/json; charset=x-unknown-charset']) {
      const response = await invoke(post('<a/>', { 'Content-Type': contentType, Origin: SITE }));
      expect(response.statusCode).toBe(415);
      expect(response.headers['Access-Control-Allow-Origin']).toBe(SITE);
      expect(response.headers.Vary).toBe('Origin');
    }
  });

  test('405 with Allow: POST for any other method', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await invoke({ ...json(VALID), httpMethod: method });
      expect(response.statusCode).toBe(405);
      expect(response.headers.Allow).toBe('POST');
      expect(response.headers['Access-Control-Allow-Origin']).toBe(SITE);
    }
  });
});

describe('CORS', () => {
  test('an allowed origin is echoed with Vary: Origin', async () => {
    const response = await invoke(json(VALID, { Origin: OTHER_SITE }));
    expect(response.headers).toMatchObject({ 'Access-Control-Allow-Origin': OTHER_SITE, Vary: 'Origin' });
  });

  test('a disallowed origin is refused with 403, without Allow-Origin, and nothing is stored', async () => {
    for (const origin of ['https://evil.example', 'null', 'https://www.example.com.evil.example', 'http://www.example.com']) {
      let response!: Awaited<ReturnType<typeof invoke>>;
      expect(await itemsAddedBy(async () => (response = await invoke(json(VALID, { Origin: origin }))))).toBe(0);
      expect(response.statusCode).toBe(403);
      expect(response.headers.Vary).toBe('Origin');
      expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
    }
  });

  test('a request without Origin is accepted, unless REQUIRE_ORIGIN=true', async () => {
    const { Origin: _origin, ...noOrigin } = { 'Content-Type': 'application/json', Origin: SITE };
    const accepted = await invoke(post(JSON.stringify(VALID), noOrigin));
    expect(accepted.statusCode).toBe(201);
    expect(accepted.headers['Access-Control-Allow-Origin']).toBeUndefined();

    const strict = loadHandler({ REQUIRE_ORIGIN: 'true' });
    expect((await invoke(post(JSON.stringify(VALID), noOrigin), strict)).statusCode).toBe(403);
    expect((await invoke(json(VALID), strict)).statusCode).toBe(201);
  });

  test('ALLOWED_ORIGINS=* echoes any origin', async () => {
    const open = loadHandler({ ALLOWED_ORIGINS: '*' });
    const response = await invoke(json(VALID, { Origin: 'https://anywhere.example' }), open);
    expect(response.statusCode).toBe(201);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://anywhere.example');
  });
});

describe('idempotency and honeypot', () => {
  test('a retried submission with the same Idempotency-Key stores one item and gets the same answer', async () => {
    const event = json(VALID, { 'Idempotency-Key': 'retry-3f9c2a' });
    let first!: Awaited<ReturnType<typeof invoke>>;
    let second!: Awaited<ReturnType<typeof invoke>>;
    const added = await itemsAddedBy(async () => {
      first = await invoke(event);
      second = await invoke(event);
    });
    expect(added).toBe(1);
    expect(first.statusCode).toBe(201);
    expect(second).toEqual(first);
  });

  test('concurrent retries store one item', async () => {
    const event = json(VALID, { 'idempotency-key': 'concurrent-1' });
    let responses: Awaited<ReturnType<typeof invoke>>[] = [];
    expect(await itemsAddedBy(async () => (responses = await Promise.all([invoke(event), invoke(event), invoke(event)])))).toBe(1);
    expect(new Set(responses.map((response) => `${response.statusCode} ${response.body}`)).size).toBe(1);
  });

  test('a client-sent submission_id works like the header (and is not stored)', async () => {
    const event = json({ ...VALID, submission_id: 'client-generated-7' });
    const first = await invoke(event);
    const second = await invoke(event);
    expect(second.json.id).toBe(first.json.id);
    expect(await itemById(first.json.id)).not.toHaveProperty('submission_id');
  });

  test('the same key with a different body is 409 and leaves the first item unchanged', async () => {
    const first = await invoke(json(VALID, { 'Idempotency-Key': 'reused-key' }));
    const conflict = await invoke(json({ ...VALID, message: 'Something else' }, { 'Idempotency-Key': 'reused-key' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json.error).toBe('idempotency_key_reused');
    expect((await itemById(first.json.id))?.message).toBe(VALID.message);
  });

  test('an invalid Idempotency-Key is 400', async () => {
    const response = await invoke(json(VALID, { 'Idempotency-Key': 'has spaces in it' }));
    expect(response.statusCode).toBe(400);
    expect(response.json.fields[0]).toMatchObject({ field: 'Idempotency-Key', code: 'invalid_key' });
  });

  test('a filled honeypot answers exactly like a success and stores nothing', async () => {
    let bot!: Awaited<ReturnType<typeof invoke>>;
    let botForm!: Awaited<ReturnType<typeof invoke>>;
    const added = await itemsAddedBy(async () => {
      bot = await invoke(json({ ...VALID, _gotcha: 'http://spam.example' }));
      botForm = await invoke(
        post(urlencode({ ...VALID, _gotcha: 'x' }), { 'Content-Type': 'application/x-www-form-urlencoded', Origin: SITE, Accept: BROWSER_ACCEPT }),
      );
    });
    expect(added).toBe(0);
    const human = await invoke(json(VALID));
    expect(bot.statusCode).toBe(201);
    expect(Object.keys(bot.json)).toEqual(Object.keys(human.json));
    expect(bot.headers).toEqual(human.headers);
    expect(botForm.statusCode).toBe(303);
    expect(botForm.headers.Location).toBe(`${SITE}/thank-you.html`);
  });
});

describe('logs', () => {
  test('one JSON line per request with request id and outcome, and no personal data', async () => {
    await invoke(json({ ...VALID, email: 'secret.person@private.example', message: 'my private words' }));
    await invoke(json({ ...VALID, email: 'bad@@private.example', first_name: 'Secretname' }));
    expect(logs).toHaveLength(2);
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ level: 'info', requestId: expect.any(String), apiRequestId: 'api-request', outcome: 'stored', status: 201 });
    expect(lines[1]).toMatchObject({ outcome: 'invalid_fields', status: 400, invalid: ['email:invalid_email'] });
    const all = logs.join('\n');
    for (const personal of ['secret.person', 'private.example', 'private words', 'Secretname', 'Ada', 'Lovelace']) {
      expect(all).not.toContain(personal);
    }
  });
});

describe('configuration', () => {
  test.each([
    ['TABLE_NAME', { TABLE_NAME: undefined }],
    ['AWS_REGION', { AWS_REGION: undefined }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'www.example.com/path' }],
  ])('a missing or invalid %s is logged once at start-up and every request gets a clear 500', async (setting, env) => {
    const broken = loadHandler(env);
    expect(logs.filter((line) => line.includes('config_invalid'))).toHaveLength(1);
    expect(logs[0]).toContain(setting);
    for (let i = 0; i < 2; i++) {
      const response = await invoke(json(VALID), broken);
      expect(response.statusCode).toBe(500);
      expect(response.json).toMatchObject({ error: 'not_configured', requestId: expect.any(String) });
      expect(response.headers.Vary).toBe('Origin');
    }
    expect(logs.filter((line) => line.includes('config_invalid'))).toHaveLength(1);
  });

  test('a table that does not exist is a 500 with the request id, no stack trace', async () => {
    const wrongTable = loadHandler({ TABLE_NAME: 'no-such-table' });
    const response = await invoke(json(VALID), wrongTable);
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ error: 'internal_error', message: expect.any(String), requestId: expect.stringMatching(/^lambda-request-/) });
    expect(response.body).not.toMatch(/at .*\.js|Exception/);
  });
});

describe('DynamoDB stopped mid-test', () => {
  test('503 with Retry-After, and CORS headers', async () => {
    expect((await invoke(json(VALID))).statusCode).toBe(201);
    await db.stop();
    const started = Date.now();
    const response = await invoke(json(VALID));
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toMatch(/^\d+$/);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(SITE);
    expect(response.json).toMatchObject({ error: 'temporarily_unavailable', requestId: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

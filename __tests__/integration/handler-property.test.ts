/**
 * Property-based: thousands of random bodies, headers, content types and methods through the bundled handler
 * against dynalite. It always answers a well-formed response with the right CORS headers, never throws, and
 * every item it stores passes validation (checked by re-validation and by an independent oracle).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { bundleContactHandler } from '../../handlers/bundle';
import { CONTACT_FIELD_NAMES, CONTACT_FIELDS, HONEYPOT_FIELD, MAX_BODY_BYTES } from '../../handlers/contact/fields';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../handlers/contact/index';
import { parseBody } from '../../handlers/contact/body';
import { readRequest } from '../../handlers/contact/parse';
import { validateSubmission } from '../../handlers/contact/validate';
import { createContactTable, extractHandler, localHandlerEnvironment, startLocalDynamoDb, type LocalDynamoDb } from '../../handlers/local-dynamodb';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Handler = (event: ApiGatewayEvent | null | undefined, context?: { awsRequestId?: string }) => Promise<ApiGatewayResult>;

const SITE = 'https://www.example.com';
const TABLE = 'contact-property';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2500);
const STATUSES = new Set([201, 303, 400, 403, 405, 413, 415]);
/** The tags of the handler's HTML error page (handlers/contact/error-page.ts). */
const PAGE_TAGS = new Set(['<!doctype', '<html', '<head', '<meta', '<title', '<style', '<body', '<main', '<h1', '<p', '<ul', '<li', '<strong', '<a', '<small']);

let db: LocalDynamoDb;
let handler: Handler;

beforeAll(async () => {
  db = await startLocalDynamoDb();
  await createContactTable(db.client, TABLE);
  // The SDK reads credentials and endpoint lazily, so the environment stays set for the whole file.
  Object.assign(process.env, localHandlerEnvironment(db.endpoint, TABLE, SITE));
  const file = extractHandler(bundleContactHandler({ outDir: mkdtempSync(join(tmpdir(), 'contact-zip-')) }).zipPath);
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler as built: a bundle whose path is known at run time
    handler = (require(file) as { handler: Handler }).handler;
  });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  jest.restoreAllMocks();
  await db?.stop();
});

// Text with everything a hostile client could send: control characters, lone surrogates, emoji, blanks.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '   ', 'ada@example.org', 'not an email', '+1 (555) 010-9999', 'a\u0000b', 'x'.repeat(300), 'Zoë 🦄'),
);
const fieldValue = fc.oneof({ weight: 6, arbitrary: anyText }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });
const plausible = {
  first_name: fc.constantFrom('Ada', 'José', ' Grace ', '李'),
  last_name: fc.constantFrom('Lovelace', "O'Brien", 'Dupré'),
  email: fc.constantFrom('ada@example.org', 'a.b+c@sub.example.co.uk', 'ünïcode@exämple.de', 'x@y.z', '@no.pe'),
  job_title: fc.constantFrom('', 'CTO', undefined),
  phone_number: fc.constantFrom('+44 20 7946 0958', '555-0100 ext 12', undefined, undefined, 'abc'),
  company: fc.constantFrom('ACME', '', undefined),
  message: fc.constantFrom('Hello\nworld', 'Tab\there', 'Plain', undefined, undefined, 'm'.repeat(5001)),
};
const submissionFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  // Plausible forms, some with a field or two replaced by anything, and arbitrary dictionaries.
  { weight: 4, arbitrary: fc.record(plausible, { requiredKeys: ['first_name', 'last_name', 'email'] }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.record(plausible, { requiredKeys: [] }), fc.dictionary(fc.constantFrom(...CONTACT_FIELD_NAMES), fieldValue, { maxKeys: 2 }))
      .map(([base, noise]) => ({ ...base, ...noise })),
  },
  {
    weight: 2,
    arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...CONTACT_FIELD_NAMES), fc.string({ maxLength: 8 })), fieldValue, { maxKeys: 9 }),
  },
);

const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9*\-._]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`))
    .join('');

// A form field is text: a JSON value the generator made (an object may even lack toString) goes in as its JSON.
const formText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function encode(kind: string, fields: Record<string, unknown>, boundary: string): string {
  const entries = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [name, formText(value)] as const);
  switch (kind) {
    case 'urlencoded':
      return entries.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`.replace(/%20/g, '+')).join('&');
    case 'multipart':
      return (
        entries.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/["\r\n]/g, '')}"\r\n\r\n${value}\r\n`).join('') +
        `--${boundary}--\r\n`
      );
    default:
      return JSON.stringify(fields);
  }
}

const contentTypes = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ['json', 'application/json'],
      ['json', 'Application/JSON; charset=utf-8'],
      ['json', 'text/plain;charset=UTF-8'],
      ['urlencoded', 'application/x-www-form-urlencoded'],
      ['urlencoded', 'application/x-www-form-urlencoded; charset=ISO-8859-1'],
      ['multipart', 'multipart/form-data; boundary=XyZ'],
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(['multipart', 'multipart/form-data'], ['json', 'application/xml'], ['json', 'charset=utf-8'], ['json', undefined]),
  },
);

const requestArbitrary = fc.record({
  contentType: contentTypes,
  fields: submissionFields,
  honeypot: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('', ' ', 'http://spam.example', 'x') }),
  rawBody: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(MAX_BODY_BYTES + 1)) },
  ),
  base64: fc.boolean(),
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'OPTIONS', 'post', 'PUT') }),
  origin: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(SITE, undefined) },
    { weight: 1, arbitrary: fc.constantFrom('https://evil.example', 'null', 'https://www.example.com:444') },
  ),
  accept: fc.constantFrom(undefined, '*/*', 'application/json', 'text/html,*/*;q=0.8'),
  upperCaseHeaders: fc.boolean(),
  nullHeaders: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  v2: fc.boolean(),
});

interface Run {
  readonly userAgent: string;
  readonly status: number;
  readonly honeypotFilled: boolean;
}

test(`${RUNS} random requests: well-formed answers, right CORS headers, only valid items stored`, async () => {
  const runs: Run[] = [];
  await fc.assert(
    fc.asyncProperty(requestArbitrary, async (request) => {
      const userAgent = `property-run-${runs.length}`;
      const [kind, contentType]: readonly [string, string | undefined] = request.contentType;
      const fields = request.honeypot === null ? request.fields : { ...request.fields, [HONEYPOT_FIELD]: request.honeypot };
      const text = request.rawBody ?? encode(kind, fields, 'XyZ');
      const headers: Record<string, string> = { 'User-Agent': userAgent };
      if (contentType !== undefined) headers['Content-Type'] = contentType;
      if (request.origin !== undefined) headers.Origin = request.origin;
      if (request.accept !== undefined) headers.Accept = request.accept;
      const casedHeaders = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [request.upperCaseHeaders ? name.toUpperCase() : name.toLowerCase(), value]),
      );
      const body = request.base64 ? Buffer.from(text, 'utf8').toString('base64') : text;
      const event: ApiGatewayEvent = request.v2
        ? { headers: casedHeaders, body, isBase64Encoded: request.base64, requestContext: { http: { method: request.method } } }
        : { httpMethod: request.method, headers: request.nullHeaders ? null : casedHeaders, body, isBase64Encoded: request.base64 };

      const response = await handler(event, { awsRequestId: userAgent });

      expect(STATUSES.has(response.statusCode)).toBe(true);
      expect(response.headers.Vary).toBe('Origin');
      const sentOrigin = request.v2 || !request.nullHeaders ? request.origin : undefined;
      expect(response.headers['Access-Control-Allow-Origin']).toBe(sentOrigin === SITE ? SITE : undefined);
      if (sentOrigin !== undefined && sentOrigin !== SITE) expect(response.statusCode).toBe(403);
      // A browser's form navigation: a form body type and an Accept that ranks HTML first.
      const htmlForm =
        (request.v2 || !request.nullHeaders) &&
        /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/.test(contentType ?? '') &&
        request.accept === 'text/html,*/*;q=0.8';
      if (response.statusCode === 303) {
        expect(htmlForm).toBe(true);
        expect(response.headers.Location).toBe(`${SITE}/thank-you.html`);
      } else if (htmlForm && response.statusCode !== 201) {
        expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
        expect(response.headers['Content-Security-Policy']).toMatch(/^default-src 'none';/);
        expect(response.body).toMatch(new RegExp(`<main data-error="[a-z_]+" data-request-id="${userAgent}">`));
        // Whatever the request held, the page has only its own markup: every value is escaped.
        expect(response.body.match(/<\/?[a-z!][^\s>]*/gi)?.filter((tag) => !PAGE_TAGS.has(tag.toLowerCase().replace('/', '')))).toEqual([]);
      } else {
        expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8');
        const answer = JSON.parse(response.body) as Record<string, unknown>;
        if (response.statusCode === 201) expect(answer).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
        else expect(answer).toMatchObject({ error: expect.any(String), message: expect.any(String), requestId: userAgent });
        expect(response.body).not.toMatch(/\n\s+at /);
      }
      const honeypotFilled = request.rawBody === null && typeof request.honeypot === 'string' && request.honeypot.trim() !== '';
      runs.push({ userAgent, status: response.statusCode, honeypotFilled });
    }),
    { numRuns: RUNS },
  );

  const items = await scanAll();
  const stored = new Map(items.map((item) => [item.userAgent?.S, item]));
  expect(stored.size).toBe(items.length);
  for (const run of runs) {
    const item = stored.get(run.userAgent);
    if (item !== undefined) {
      expect([201, 303]).toContain(run.status);
      expect(run.honeypotFilled).toBe(false);
      expectValidItem(item);
    } else if (run.status === 201 || run.status === 303) {
      // A success that stored nothing must come from a filled honeypot; anything else is a lost submission.
      expect(run.honeypotFilled).toBe(true);
    }
  }
  const statuses: Record<number, number> = {};
  for (const run of runs) statuses[run.status] = (statuses[run.status] ?? 0) + 1;
  process.stdout.write(`property: ${runs.length} requests, ${items.length} items stored, statuses ${JSON.stringify(statuses)}\n`);
  expect(items.length).toBeGreaterThan(RUNS / 20); // the generators do produce valid submissions
});

async function scanAll(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

const ALLOWED_ATTRIBUTES = new Set<string>(['id', 'submittedAt', 'userAgent', ...CONTACT_FIELD_NAMES]);

function expectValidItem(item: Record<string, AttributeValue>): void {
  for (const [name, value] of Object.entries(item)) {
    expect(ALLOWED_ATTRIBUTES.has(name)).toBe(true);
    expect(typeof value.S).toBe('string');
  }
  const fields = new Map(CONTACT_FIELD_NAMES.filter((name) => item[name] !== undefined).map((name) => [name, item[name]!.S!]));
  // Re-validation accepts exactly what is stored...
  const again = validateSubmission(fields);
  expect(again.ok && Object.fromEntries(fields)).toEqual(again.ok && again.submission);
  // ...and an independent oracle agrees.
  for (const name of ['first_name', 'last_name', 'email'] as const) expect(fields.get(name)?.length).toBeGreaterThan(0);
  for (const [name, value] of fields) {
    expect(value).toBe(value.trim());
    expect([...value].length).toBeLessThanOrEqual(CONTACT_FIELDS[name].maxLength);
    // eslint-disable-next-line no-control-regex -- asserts that no control character is stored
    expect(value).not.toMatch(name === 'message' ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f-\u009f]/);
    expect(Buffer.from(value, 'utf8').toString('utf8')).toBe(value); // no lone surrogates
  }
  expect(fields.get('email')).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/);
  expect(new Date(item.submittedAt!.S!).toISOString()).toBe(item.submittedAt!.S);
  expect(item.id!.S).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

test('parseBody and validateSubmission never throw on arbitrary bytes and headers', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.option(fc.string({ unit: 'binary', maxLength: 60 })), fc.boolean(), (bytes, contentType, base64) => {
      const body = base64 ? Buffer.from(bytes).toString('base64') : Buffer.from(bytes).toString('latin1');
      const request = readRequest({
        httpMethod: 'POST',
        headers: contentType === null ? null : { 'content-type': contentType },
        body,
        isBase64Encoded: base64,
      });
      const parsed = parseBody(request);
      if (parsed.ok) validateSubmission(parsed.fields);
    }),
    { numRuns: 3000 },
  );
});

/**
 * store.ts against a stub DynamoDB endpoint that answers what dynalite cannot: throttling, server errors, and a
 * ConditionalCheckFailedException carrying the stored item (ReturnValuesOnConditionCheckFailure: ALL_OLD).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleContactHandler } from '../handlers/bundle';
import type { ApiGatewayEvent, ApiGatewayResult } from '../handlers/contact/index';
import { createDynamoDbStore, pageOf, toItem, type SubmissionRecord } from '../handlers/contact/store';
import { extractHandler, localHandlerEnvironment } from '../handlers/local-dynamodb';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type StubAnswer = { status: number; body: object };
let answer: (operation: string, request: Record<string, unknown>) => StubAnswer;
const operations: string[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target']).split('.')[1]!;
      operations.push(operation);
      const { status, body: payload } = answer(operation, JSON.parse(body) as Record<string, unknown>);
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'stub' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, localHandlerEnvironment(endpoint, 'stub-table', 'https://www.example.com'), { AWS_MAX_ATTEMPTS: '1' });
});

beforeEach(() => {
  operations.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const record: SubmissionRecord = {
  id: '0f8fad5b-d9cb-869f-a165-70867728950e',
  submission: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org' },
  submittedAt: '2024-05-01T10:00:00.000Z',
  userAgent: 'test',
};
const conditionFailed = (item?: object): StubAnswer => ({
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    ...(item ? { Item: item } : {}),
  },
});

test('PutItem is conditional, asks for the old item, and writes exactly the item', async () => {
  let request: Record<string, unknown> = {};
  answer = (_operation, body) => ((request = body), { status: 200, body: {} });
  await expect(createDynamoDbStore({ tableName: 'stub-table', region: 'us-east-1' }).save(record)).resolves.toEqual({ outcome: 'stored' });
  expect(request).toEqual({
    TableName: 'stub-table',
    Item: toItem(record),
    ConditionExpression: 'attribute_not_exists(id)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
});

test('the old item returned with the condition failure decides duplicate or conflict, without a read', async () => {
  const store = createDynamoDbStore({ tableName: 'stub-table', region: 'us-east-1' });
  answer = () => conditionFailed(toItem({ ...record, submittedAt: '2024-05-01T09:59:00.000Z', userAgent: 'other' }));
  await expect(store.save(record)).resolves.toEqual({ outcome: 'duplicate' });
  answer = () => conditionFailed(toItem({ ...record, submission: { ...record.submission, message: 'different' } }));
  await expect(store.save(record)).resolves.toEqual({ outcome: 'conflict' });
  expect(operations).toEqual(['PutItem', 'PutItem']);
});

test('without the old item (emulators), a consistent GetItem decides', async () => {
  let getRequest: Record<string, unknown> = {};
  answer = (operation, body) => {
    if (operation === 'PutItem') return conditionFailed();
    getRequest = body;
    return { status: 200, body: { Item: toItem(record) } };
  };
  await expect(createDynamoDbStore({ tableName: 'stub-table', region: 'us-east-1' }).save(record)).resolves.toEqual({ outcome: 'duplicate' });
  expect(operations).toEqual(['PutItem', 'GetItem']);
  expect(getRequest).toEqual({ TableName: 'stub-table', Key: { id: { S: record.id } }, ConsistentRead: true });
});

test.each([
  ['throttled', 400, 'ProvisionedThroughputExceededException', 'unavailable'],
  ['throttled (on-demand)', 400, 'ThrottlingException', 'unavailable'],
  ['a server error', 500, 'InternalServerError', 'unavailable'],
  ['unavailable', 503, 'ServiceUnavailable', 'unavailable'],
  ['access denied', 400, 'AccessDeniedException', 'failed'],
  ['a missing table', 400, 'ResourceNotFoundException', 'failed'],
])('DynamoDB %s (%i %s) -> %s', async (_case, status, type, outcome) => {
  answer = () => ({ status, body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'stub' } });
  await expect(createDynamoDbStore({ tableName: 'stub-table', region: 'us-east-1' }).save(record)).resolves.toMatchObject({ outcome });
});

test('the bundled handler answers 503 with Retry-After when throttled, 500 with the request id otherwise', async () => {
  const file = extractHandler(bundleContactHandler({ outDir: mkdtempSync(join(tmpdir(), 'contact-zip-')) }).zipPath);
  let handler!: (event: ApiGatewayEvent, context: object) => Promise<ApiGatewayResult>;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler as built: a bundle whose path is known at run time
    handler = require(file).handler;
  });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const event: ApiGatewayEvent = {
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://www.example.com' },
    body: JSON.stringify(record.submission),
  };

  answer = () => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } });
  const throttled = await handler(event, { awsRequestId: 'req-throttled' });
  expect(throttled.statusCode).toBe(503);
  expect(throttled.headers).toMatchObject({ 'Retry-After': '5', 'Access-Control-Allow-Origin': 'https://www.example.com', Vary: 'Origin' });

  answer = () => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message: 'no' } });
  const denied = await handler(event, { awsRequestId: 'req-denied' });
  expect(denied.statusCode).toBe(500);
  expect(JSON.parse(denied.body)).toEqual({ error: 'internal_error', message: expect.any(String), requestId: 'req-denied' });
  jest.restoreAllMocks();
});

describe('the page of a submission', () => {
  const allowed = (origin: string) => origin === 'https://www.example.com';
  test('is the Referer without query or fragment, when its site is allowed', () => {
    expect(pageOf('https://www.example.com/contact.html?email=a@b.c#form', allowed)).toBe('https://www.example.com/contact.html');
    expect(pageOf('https://www.example.com', allowed)).toBe('https://www.example.com/');
  });
  test('is left out for another site, another scheme, a text that is not a URL, none, or a very long URL', () => {
    expect(pageOf('https://evil.example/contact.html', allowed)).toBeUndefined();
    expect(pageOf('javascript:alert(1)', allowed)).toBeUndefined();
    expect(pageOf('not a url', allowed)).toBeUndefined();
    expect(pageOf(undefined, allowed)).toBeUndefined();
    expect(pageOf(`https://www.example.com/${'a'.repeat(3000)}`, allowed)).toBeUndefined();
  });
  test('is stored as the item attribute page, and nothing when there is none', () => {
    expect(toItem({ ...record, page: 'https://www.example.com/contact.html' }).page).toEqual({ S: 'https://www.example.com/contact.html' });
    expect(toItem(record).page).toBeUndefined();
  });
});

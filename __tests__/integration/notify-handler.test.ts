/**
 * The notifier as it ships: index.js loaded from the zip that bundle.ts builds, its SDK pointed at the local AWS
 * (moto). It publishes each new submission to a real SNS topic, seen by an HTTP subscriber of that topic (moto
 * delivers to it on Publish); with SNS failing (a topic that does not exist) it reports the batch item failures;
 * without settings it fails every submission. The logs hold ids and outcomes only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { bundleNotifyHandler } from '../../handlers/bundle';
import { toItem } from '../../handlers/contact/store';
import type { Submission } from '../../handlers/contact/validate';
import { extractHandler } from '../../handlers/local-dynamodb';
import type { DynamoDbStreamEvent, DynamoDbStreamRecord, LambdaContext, StreamBatchResponse } from '../../handlers/notify/index';
import { startLocalAws, type LocalAws } from '../../scripts/local-aws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Handler = (event: DynamoDbStreamEvent | null | undefined, context?: LambdaContext) => Promise<StreamBatchResponse>;

/** What moto POSTs to an HTTP subscriber for each message published to the topic. */
interface Delivery {
  readonly Type: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageId: string;
}

const REGION = 'us-east-1';
const ADA: Submission = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.org',
  company: 'Analytical Engines Ltd',
  message: 'Hello,\nI would like a quote.',
};

let local: LocalAws;
let sns: SNSClient;
let topicArn: string;
let subscriber: Server;
let deliveries: Delivery[] = [];
let zipDir: string;
let zipPath: string;
let logs: string[];
const savedEnv = { ...process.env };

/** A fresh copy of the zip's index.js, loaded with the local AWS's settings and `topicArn` (none: no TOPIC_ARN). */
function loadHandler(topicArn: string | undefined): Handler {
  const settings = { ...local.env, AWS_REGION: REGION, AWS_MAX_ATTEMPTS: '1', ...(topicArn === undefined ? {} : { TOPIC_ARN: topicArn }) };
  process.env = { ...savedEnv, ...settings };
  if (topicArn === undefined) delete process.env.TOPIC_ARN;
  let loaded: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the handler as built: a bundle whose path is known at run time
    loaded = (require(extractHandler(zipPath)) as { handler: Handler }).handler;
  });
  return loaded!;
}

let sequence = 0;
/** A stream record of the item the contact handler stores for `submission` (toItem of contact/store.ts). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', submission: Submission, id = `submission-${sequence + 1}`): DynamoDbStreamRecord {
  sequence += 1;
  const item = toItem({ id, submission, submittedAt: '2026-11-01T09:30:00.000Z', userAgent: 'jest-test/1.0' });
  return {
    eventID: `event-${sequence}`,
    eventName,
    dynamodb: { SequenceNumber: String(4000000000 + sequence), ...(eventName === 'REMOVE' ? {} : { NewImage: item }) },
  };
}
const seq = (record: DynamoDbStreamRecord) => record.dynamodb!.SequenceNumber!;

beforeAll(async () => {
  zipDir = mkdtempSync(join(tmpdir(), 'notify-zip-'));
  zipPath = bundleNotifyHandler({ outDir: zipDir }).zipPath;
  subscriber = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      deliveries.push(JSON.parse(body) as Delivery);
      response.end();
    });
  });
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  local = await startLocalAws();
  sns = new SNSClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'contact-notifications' }))).TopicArn!;
  const port = (subscriber.address() as AddressInfo).port;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/notifications` }));
});

beforeEach(() => {
  deliveries = [];
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  process.env = savedEnv;
  sns?.destroy();
  await local?.stop();
  await new Promise((resolve) => subscriber?.close(resolve));
  rmSync(zipDir, { recursive: true, force: true });
});

const logged = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

test('each new submission reaches the topic once, as subject and mail text; other records are skipped', async () => {
  const handler = loadHandler(topicArn);
  const ada = streamRecord('INSERT', ADA, 'ada-id');
  const odd = streamRecord(
    'INSERT',
    {
      first_name: 'Zoë\u202e',
      last_name: '李 Ñandú 👩‍💻',
      email: 'zoe@example.org',
      // 5,000 characters of odd Unicode, controls and CRLFs (more than the form accepts: the item is read as it is).
      message: 'é👩‍💻\u0000\r\n李\u202e\ud800x'.repeat(500).slice(0, 5000),
    },
    'odd-id',
  );
  const records = [streamRecord('MODIFY', ADA), ada, streamRecord('REMOVE', ADA), odd];

  const response = await handler({ Records: records }, { awsRequestId: 'lambda-1' });

  expect(response).toEqual({ batchItemFailures: [] });
  expect(deliveries.map((delivery) => [delivery.Type, delivery.TopicArn, delivery.Subject])).toEqual([
    ['Notification', topicArn, 'New message from Ada Lovelace'],
    ['Notification', topicArn, 'New message from Zoe Nandu'],
  ]);
  expect(deliveries[0]!.Message).toContain('Name:      Ada Lovelace\nEmail:     ada@example.org\nCompany:   Analytical Engines Ltd\n');
  expect(deliveries[0]!.Message).toContain('Id:        ada-id\n');
  expect(deliveries[0]!.Message).toContain('Message:\nHello,\nI would like a quote.\n');
  expect(deliveries[0]!.Message).toContain('How to reply: write to ada@example.org');
  expect(deliveries[1]!.Message).toContain('Id:        odd-id\n');
  expect(deliveries[1]!.Message).toContain('é👩‍💻\n李\ufffdx');

  const recordLines = logged().filter((line) => line.event === 'record');
  expect(recordLines.map((line) => [line.sequenceNumber, line.outcome, line.reason ?? line.submissionId])).toEqual([
    [seq(records[0]!), 'skipped', 'not_insert'],
    [seq(ada), 'published', 'ada-id'],
    [seq(records[2]!), 'skipped', 'not_insert'],
    [seq(odd), 'published', 'odd-id'],
  ]);
  expect(recordLines.filter((line) => line.outcome === 'published').map((line) => line.messageId)).toEqual(deliveries.map((delivery) => delivery.MessageId));
  for (const line of logs) expect(line).not.toMatch(/Lovelace|Zoë|Ñandú|example\.org|quote|Analytical/);
});

test('with SNS failing (the topic does not exist) the inserts come back as batch item failures, and nothing throws', async () => {
  const handler = loadHandler(`arn:aws:sns:${REGION}:${local.accountId}:no-such-topic`);
  const first = streamRecord('INSERT', ADA);
  const skipped = streamRecord('MODIFY', ADA);
  const second = streamRecord('INSERT', { ...ADA, first_name: 'Grace', last_name: 'Hopper' });

  const response = await handler({ Records: [first, skipped, second] }, { awsRequestId: 'lambda-2' });

  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(first) }, { itemIdentifier: seq(second) }] });
  expect(deliveries).toEqual([]);
  const failures = logged().filter((line) => line.outcome === 'failed');
  expect(failures).toHaveLength(2);
  expect(failures[0]).toMatchObject({ level: 'error', errorName: 'NotFoundException', httpStatus: 404, sequenceNumber: seq(first) });
  expect(logged().at(-1)).toMatchObject({ event: 'batch', records: 3, failed: 2, skipped: 1, batchItemFailures: 2 });
  for (const line of logs) expect(line).not.toMatch(/Lovelace|Hopper|example\.org|quote/);
});

test('without TOPIC_ARN the settings are logged once as invalid and every insert fails (to be retried, not lost)', async () => {
  const handler = loadHandler(undefined);
  expect(logged()).toEqual([{ level: 'error', event: 'config_invalid', problems: ['TOPIC_ARN is not set'] }]);
  const record = streamRecord('INSERT', ADA);
  expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [{ itemIdentifier: seq(record) }] });
  expect(deliveries).toEqual([]);
});

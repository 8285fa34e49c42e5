/**
 * The notifier's batch (handlers/notify/batch.ts) with a fake publisher: only inserts with fields are notified,
 * everything else is skipped and logged as such; failed publishes come back as batch item failures (by sequence
 * number) while the rest of the batch is still sent; nothing throws; and the log lines carry ids and outcomes,
 * never what the visitor wrote or their address (fuzzed).
 */
import fc from 'fast-check';
import { CONTACT_FIELD_NAMES, type ContactFieldName } from '../handlers/contact/fields';
import { notifyBatch } from '../handlers/notify/batch';
import { readNotifyConfig } from '../handlers/notify/config';
import type { Notification } from '../handlers/notify/message';
import type { NotificationPublisher, PublishOutcome } from '../handlers/notify/publish';
import type { DynamoDbStreamEvent, DynamoDbStreamRecord, StreamAttributeValue } from '../handlers/notify/records';
import { batchResponse } from '../handlers/notify/respond';

type Fields = { [name in ContactFieldName]?: string };

const ADA: Fields = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', message: 'Hello,\nI would like a quote.' };

let sequence = 0;
function streamRecord(eventName: string, fields: Fields | undefined, id = `id-${sequence + 1}`): DynamoDbStreamRecord {
  sequence += 1;
  const image = fields && {
    id: { S: id },
    ...Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, { S: value }])),
    submittedAt: { S: '2026-11-01T09:30:00.000Z' },
  };
  return {
    eventID: `event-${sequence}`,
    eventName,
    dynamodb: { SequenceNumber: String(100000 + sequence), ...(image ? { NewImage: image } : {}) },
  };
}
const insert = (fields: Fields = ADA, id?: string) => streamRecord('INSERT', fields, id);
const seq = (record: DynamoDbStreamRecord) => record.dynamodb!.SequenceNumber!;

/** A publisher that records what it was given and answers `answer` (or throws). */
function fakePublisher(answer: (notification: Notification, call: number) => PublishOutcome | Error = () => ({ outcome: 'published', messageId: 'm' })) {
  const sent: Notification[] = [];
  const publisher: NotificationPublisher = {
    async publish(notification) {
      sent.push(notification);
      const result = answer(notification, sent.length);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { publisher, sent };
}

let logs: string[];
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
});
afterEach(() => jest.restoreAllMocks());

const logged = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);
const recordLogs = () => logged().filter((line) => line.event === 'record');

describe('which records are notified', () => {
  test('an insert with fields is published; MODIFY, REMOVE, no new image, no fields and junk are skipped and logged', async () => {
    const notified = insert();
    const modify = streamRecord('MODIFY', ADA);
    const remove = streamRecord('REMOVE', undefined);
    const keysOnly = streamRecord('INSERT', undefined);
    const noFields = insert({});
    const blankFields = streamRecord('INSERT', { first_name: '  ', email: '' });
    const wrongTypes: DynamoDbStreamRecord = {
      ...insert(),
      dynamodb: { SequenceNumber: '9', NewImage: { id: { S: 'x' }, email: { N: '1' } as StreamAttributeValue } },
    };
    const event = { Records: [modify, notified, remove, keysOnly, noFields, blankFields, wrongTypes, null as unknown as DynamoDbStreamRecord] };
    const { publisher, sent } = fakePublisher();

    expect(await notifyBatch(event, { publisher, requestId: 'r1' })).toEqual({ batchItemFailures: [] });
    expect(sent.map((notification) => notification.subject)).toEqual(['New message from Ada Lovelace']);
    expect(recordLogs().map((line) => [line.sequenceNumber, line.outcome, line.reason])).toEqual([
      [seq(modify), 'skipped', 'not_insert'],
      [seq(notified), 'published', undefined],
      [seq(remove), 'skipped', 'not_insert'],
      [seq(keysOnly), 'skipped', 'no_new_image'],
      [seq(noFields), 'skipped', 'no_fields'],
      [seq(blankFields), 'skipped', 'no_fields'],
      ['9', 'skipped', 'no_fields'],
      [undefined, 'skipped', 'not_insert'],
    ]);
  });

  test('an insert with only some fields (no name) is still notified', async () => {
    const { publisher, sent } = fakePublisher();
    await notifyBatch({ Records: [insert({ message: 'just a message' })] }, { publisher, requestId: 'r' });
    expect(sent).toHaveLength(1);
  });

  test('an event without records, or no event at all, is an empty success', async () => {
    const { publisher, sent } = fakePublisher();
    for (const event of [{}, { Records: [] }, null, undefined, { Records: 'x' } as unknown as DynamoDbStreamEvent]) {
      expect(await notifyBatch(event, { publisher, requestId: 'r' })).toEqual({ batchItemFailures: [] });
    }
    expect(sent).toHaveLength(0);
  });
});

describe('batch item failures', () => {
  test('failed publishes are reported by sequence number; the records after them are still published', async () => {
    const records = [insert(), insert(), streamRecord('MODIFY', ADA), insert(), insert()];
    const { publisher, sent } = fakePublisher((_, call) =>
      call === 2 || call === 4 ? { outcome: 'failed', errorName: 'ThrottledException', httpStatus: 400 } : { outcome: 'published', messageId: `m${call}` },
    );
    const response = await notifyBatch({ Records: records }, { publisher, requestId: 'r' });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[1]!) }, { itemIdentifier: seq(records[4]!) }] });
    expect(sent).toHaveLength(4);
    expect(recordLogs().map((line) => line.outcome)).toEqual(['published', 'failed', 'skipped', 'published', 'failed']);
    expect(recordLogs()[1]).toMatchObject({
      level: 'error',
      errorName: 'ThrottledException',
      httpStatus: 400,
      submissionId: records[1]!.dynamodb!.NewImage!.id!.S,
    });
    expect(logged().at(-1)).toMatchObject({ event: 'batch', records: 5, published: 2, failed: 2, skipped: 1, batchItemFailures: 2, level: 'warn' });
  });

  test('a publisher that throws fails only its record (internal_error), never the invocation', async () => {
    const records = [insert(), insert()];
    const { publisher } = fakePublisher((_, call) => (call === 1 ? new TypeError('boom') : { outcome: 'published' }));
    expect(await notifyBatch({ Records: records }, { publisher, requestId: 'r' })).toEqual({ batchItemFailures: [{ itemIdentifier: seq(records[0]!) }] });
    expect(recordLogs()[0]).toMatchObject({ outcome: 'internal_error', errorName: 'TypeError' });
  });

  test('without a publisher (invalid settings) every submission fails, to be retried; skipped records stay skipped', async () => {
    const records = [insert(), streamRecord('REMOVE', undefined), insert()];
    const response = await notifyBatch({ Records: records }, { publisher: undefined, requestId: 'r' });
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([seq(records[0]!), seq(records[2]!)]);
    expect(recordLogs().map((line) => line.outcome)).toEqual(['not_configured', 'skipped', 'not_configured']);
  });

  test('a failed record without a sequence number is reported as "" (Lambda retries the whole batch)', () => {
    expect(batchResponse(['1', undefined])).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '' }] });
  });
});

describe('the logs', () => {
  test('one JSON line per record and one for the batch, with ids and outcomes', async () => {
    const record = insert(ADA, 'the-submission-id');
    const { publisher } = fakePublisher(() => ({ outcome: 'published', messageId: 'sns-message-id' }));
    await notifyBatch({ Records: [record] }, { publisher, requestId: 'lambda-request' });
    expect(logged()).toEqual([
      {
        level: 'info',
        requestId: 'lambda-request',
        event: 'record',
        eventId: record.eventID,
        sequenceNumber: seq(record),
        outcome: 'published',
        messageId: 'sns-message-id',
        submissionId: 'the-submission-id',
      },
      expect.objectContaining({ level: 'info', requestId: 'lambda-request', event: 'batch', records: 1, published: 1, batchItemFailures: 0 }),
    ]);
  });

  test('fuzzed: never the message, the name, any other field or the address, whatever the outcome', async () => {
    // Each value carries a marker that cannot occur in a log line by chance.
    const value = fc.string({ unit: 'grapheme', maxLength: 30 }).map((text) => `MARK${text}KRAM`);
    const fields = fc.record(Object.fromEntries(CONTACT_FIELD_NAMES.map((name) => [name, value])) as Record<ContactFieldName, fc.Arbitrary<string>>, {
      requiredKeys: [],
    });
    const outcome = fc.constantFrom<PublishOutcome | Error>(
      { outcome: 'published', messageId: 'm' },
      { outcome: 'failed', errorName: 'InvalidParameterException', httpStatus: 400 },
      new Error('MARK the error message may quote the request KRAM'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fields, outcome), { minLength: 1, maxLength: 5 }), async (batch) => {
        logs = [];
        const answers = batch.map(([, answer]) => answer);
        const { publisher } = fakePublisher((_, call) => answers[call - 1]!);
        await notifyBatch({ Records: batch.map(([recordFields]) => insert(recordFields)) }, { publisher, requestId: 'r' });
        for (const line of logs) {
          expect(line).not.toMatch(/MARK|KRAM|Lovelace|example\.org/);
          expect(() => JSON.parse(line)).not.toThrow();
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('settings', () => {
  test('TOPIC_ARN and AWS_REGION are required; the ARN must be an SNS topic ARN', () => {
    expect(readNotifyConfig({ TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:contact-notifications', AWS_REGION: 'eu-west-1' })).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:contact-notifications',
      region: 'eu-west-1',
      problems: [],
    });
    expect(readNotifyConfig({ TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:123456789012:alerts.fifo', AWS_REGION: 'cn-north-1' }).problems).toEqual([]);
    expect(readNotifyConfig({}).problems).toEqual(['TOPIC_ARN is not set', 'AWS_REGION is not set']);
    expect(readNotifyConfig({ TOPIC_ARN: ' ', AWS_REGION: 'us-east-1' }).problems).toEqual(['TOPIC_ARN is not set']);
    for (const wrong of [
      'contact-notifications',
      'arn:aws:sqs:us-east-1:123456789012:q',
      'arn:aws:sns:us-east-1:1234:t',
      'arn:aws:sns:us-east-1:123456789012:a b',
    ]) {
      expect(readNotifyConfig({ TOPIC_ARN: wrong, AWS_REGION: 'us-east-1' }).problems).toEqual(['TOPIC_ARN is not an SNS topic ARN']);
    }
  });
});

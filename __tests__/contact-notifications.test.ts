/* ContactApi's `notify`: DynamoDB Streams -> the notifier -> SNS, failures kept in SQS, alarms. */
import { ContactApi, ContactApiProps } from '../constructs';
import { addressOf, onlyResource, resourcesOf, synthStack, Synthesized } from './support/synth';

const ORIGINS = ['https://www.example.com'];
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:support-chat';

function synthApi(props: Partial<ContactApiProps> = {}): Synthesized & { api: ContactApi } {
  let api: ContactApi | undefined;
  const synthesized = synthStack((stack) => {
    api = new ContactApi(stack, 'contact', { allowedOrigins: ORIGINS, ...props });
  });
  return { ...synthesized, api: api! };
}

function policyStatements(doc: Synthesized['doc'], name: string): Record<string, any>[] {
  const documents = doc.data?.aws_iam_policy_document ?? {};
  const key = Object.keys(documents).find((k) => k.includes(name));
  if (!key) throw new Error(`no policy document ${name}`);
  return documents[key]!.statement;
}

describe('without notify (the default)', () => {
  const { doc, api } = synthApi();
  test('nothing is added: no stream on the table, no notifier, topic, queue or alarm', () => {
    expect(api.notifications).toBeUndefined();
    expect(onlyResource(doc, 'aws_dynamodb_table').stream_enabled).toBeUndefined();
    for (const type of ['aws_sns_topic', 'aws_sqs_queue', 'aws_lambda_event_source_mapping', 'aws_cloudwatch_metric_alarm', 'aws_kms_key']) {
      expect(resourcesOf(doc, type)).toEqual({});
    }
    expect(Object.keys(resourcesOf(doc, 'aws_lambda_function'))).toHaveLength(1);
  });
});

describe('notify by email', () => {
  const { doc, api } = synthApi({ notify: { emails: ['owner@example.com', 'sales@example.com', 'owner@example.com'] } });
  const topic = addressOf(doc, 'aws_sns_topic');
  const queue = addressOf(doc, 'aws_sqs_queue');

  test('the table streams new images; the mapping reads inserts only, in bounded, bisected, reported retries, then to the queue', () => {
    expect(onlyResource(doc, 'aws_dynamodb_table')).toMatchObject({ stream_enabled: true, stream_view_type: 'NEW_IMAGE' });
    const mapping = onlyResource(doc, 'aws_lambda_event_source_mapping');
    expect(mapping).toMatchObject({
      event_source_arn: `\${${addressOf(doc, 'aws_dynamodb_table')}.stream_arn}`,
      starting_position: 'LATEST',
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 10,
      maximum_record_age_in_seconds: 21600,
      function_response_types: ['ReportBatchItemFailures'],
      destination_config: { on_failure: { destination_arn: `\${${queue}.arn}` } },
    });
    expect(JSON.parse(mapping.filter_criteria.filter[0].pattern)).toEqual({ eventName: ['INSERT'] });
  });

  test('one encrypted topic with a TLS-only policy and one email subscription per address (duplicates dropped)', () => {
    expect(onlyResource(doc, 'aws_sns_topic').kms_master_key_id).toBe(`\${${addressOf(doc, 'aws_kms_key')}.arn}`);
    expect(onlyResource(doc, 'aws_kms_key').enable_key_rotation).toBe(true);
    const subscriptions = Object.values(resourcesOf(doc, 'aws_sns_topic_subscription'));
    expect(subscriptions.map((s) => [s.protocol, s.endpoint]).sort()).toEqual([
      ['email', 'owner@example.com'],
      ['email', 'sales@example.com'],
    ]);
    const deny = policyStatements(doc, 'topic-policy-document').find((s) => s.sid === 'DenyInsecureTransport');
    expect(deny).toMatchObject({ effect: 'Deny', actions: ['sns:Publish'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
  });

  test("the failure queue is encrypted, keeps 14 days, TLS only; the alarms on it and on the notifier's errors publish to the topic", () => {
    expect(onlyResource(doc, 'aws_sqs_queue')).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1_209_600 });
    const alarms = Object.values(resourcesOf(doc, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => `${a.namespace} ${a.metric_name}`).sort()).toEqual(['AWS/Lambda Errors', 'AWS/SQS ApproximateNumberOfMessagesVisible']);
    for (const alarm of alarms) expect(alarm.alarm_actions).toEqual([`\${${topic}.arn}`]);
  });

  test("the notifier may read this table's stream, publish to this topic with its key, send to the queue, write its logs; nothing else", () => {
    const statements = policyStatements(doc, 'notifier-policy-document');
    const notifierLogs = Object.keys(resourcesOf(doc, 'aws_cloudwatch_log_group')).find((name) => name.includes('notifier'));
    const grants = statements.map((s) => `${s.sid}: ${[...s.actions].sort().join(',')} on ${s.resources.join(',')}`);
    expect(grants).toEqual([
      `ReadNewSubmissions: dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator on \${${addressOf(doc, 'aws_dynamodb_table')}.stream_arn}`,
      'FindStream: dynamodb:ListStreams on *',
      `Notify: sns:Publish on \${${topic}.arn}`,
      `EncryptForTopic: kms:Decrypt,kms:GenerateDataKey on \${${addressOf(doc, 'aws_kms_key')}.arn}`,
      `KeepFailures: sqs:SendMessage on \${${queue}.arn}`,
      `WriteOwnLogs: logs:CreateLogStream,logs:PutLogEvents on \${aws_cloudwatch_log_group.${notifierLogs}.arn}:*`,
      'SendTraces: xray:PutTelemetryRecords,xray:PutTraceSegments on *',
    ]);
  });

  test('the notifier is its own zip with its own hash, and only the topic in its environment', () => {
    const functions = resourcesOf(doc, 'aws_lambda_function');
    const notifier = Object.entries(functions).find(([name]) => name.includes('notifier'))![1];
    const contact = Object.entries(functions).find(([name]) => !name.includes('notifier'))![1];
    expect(notifier.filename).toMatch(/notify-handler\.zip$/);
    expect(notifier.source_code_hash).not.toBe(contact.source_code_hash);
    expect(notifier.environment.variables).toEqual({ TOPIC_ARN: `\${${topic}.arn}` });
    expect(api.notifications!.topic).toBeDefined();
  });
});

describe('notify an existing topic', () => {
  const { doc } = synthApi({ notify: { topicArn: TOPIC, alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops' } });
  test('no topic, key or subscription is made; the notifier publishes to it; the alarms go to alarmTopicArn', () => {
    for (const type of ['aws_sns_topic', 'aws_kms_key', 'aws_sns_topic_subscription', 'aws_sns_topic_policy']) expect(resourcesOf(doc, type)).toEqual({});
    expect(policyStatements(doc, 'notifier-policy-document').find((s) => s.sid === 'Notify')!.resources).toEqual([TOPIC]);
    for (const alarm of Object.values(resourcesOf(doc, 'aws_cloudwatch_metric_alarm')))
      expect(alarm.alarm_actions).toEqual(['arn:aws:sns:eu-west-1:111122223333:ops']);
  });
});

describe('notify props that cannot work fail at synth, naming notify', () => {
  test.each([
    ['neither emails nor topicArn', {}, /ContactApi: notify needs emails or topicArn/],
    ['both', { emails: ['a@example.com'], topicArn: TOPIC }, /ContactApi: notify needs emails or topicArn \(one of them\)/],
    ['no address', { emails: [] }, /ContactApi: notify emails must list at least one address/],
    ['a bad address', { emails: ['owner@example.com', 'not an address'] }, /ContactApi: notify emails: "not an address" is not an email address/],
    ['a bad topic ARN', { topicArn: 'support-chat' }, /ContactApi: notify topicArn "support-chat" is not an SNS topic ARN/],
    ['a FIFO topic', { topicArn: `${TOPIC}.fifo` }, /ContactApi: notify topicArn ".*\.fifo" is a FIFO topic/],
    [
      'a bad alarm topic',
      { emails: ['a@example.com'], alarmTopicArn: 'arn:aws:sqs:eu-west-1:111122223333:q' },
      /ContactApi: notify alarmTopicArn .* is not an SNS topic ARN/,
    ],
  ])('%s', (_name, notify, message) => {
    expect(() => synthApi({ notify: notify as ContactApiProps['notify'] })).toThrow(message);
  });
});

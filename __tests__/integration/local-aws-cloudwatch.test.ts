/**
 * The local AWS's CloudWatch double (tools/local-aws/cloudwatch_cbor_double.py): metric alarms over the
 * Smithy RPC v2 CBOR protocol, the one the AWS provider's Go SDK speaks to CloudWatch, through the real
 * AWS SDK client set to that protocol: put, describe (every field read back as sent), tags, delete, the
 * protocol's headers and error shape, and an operation the double does not serve refused.
 */
import { request } from 'node:http';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { startLocalAws, type LocalAws } from '../../scripts/local-aws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const REGION = 'us-east-1';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

let local: LocalAws;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  local = await startLocalAws();
  // The JS SDK's default for CloudWatch is JSON 1.0; the provider's Go SDK speaks RPC v2 CBOR.
  cloudwatch = new CloudWatchClient({ region: REGION, endpoint: local.endpoint, credentials: local.credentials, protocol: AwsSmithyRpcV2CborProtocol });
});

afterAll(async () => {
  await local?.stop();
});

const alarm = {
  AlarmName: 'failures-kept',
  AlarmDescription: 'A record the notifier could not deliver is in the queue',
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Dimensions: [{ Name: 'QueueName', Value: 'notify-failures' }],
  Statistic: 'Maximum' as const,
  Period: 300,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 0.5,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
  TreatMissingData: 'notBreaching',
  ActionsEnabled: true,
  AlarmActions: [TOPIC],
  OKActions: [TOPIC],
};

describe('the CloudWatch RPC v2 CBOR double', () => {
  const arn = () => `arn:aws:cloudwatch:${REGION}:${local.accountId}:alarm:${alarm.AlarmName}`;

  test('put, then describe reads every field back as sent, with the timestamps as dates', async () => {
    const before = Date.now() - 1000;
    await cloudwatch.send(new PutMetricAlarmCommand({ ...alarm, Tags: [{ Key: 'project', Value: 'contact' }] }));
    const { MetricAlarms } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.AlarmName], AlarmTypes: ['MetricAlarm'] }));
    expect(MetricAlarms).toHaveLength(1);
    const [read] = MetricAlarms!;
    expect(read).toMatchObject({ ...alarm, AlarmArn: arn(), InsufficientDataActions: [] });
    expect(read.AlarmConfigurationUpdatedTimestamp).toBeInstanceOf(Date);
    expect(read.AlarmConfigurationUpdatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before);
    expect(read.AlarmConfigurationUpdatedTimestamp!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('tags: listed as given, added and removed', async () => {
    const tags = async () => (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: arn() }))).Tags;
    expect(await tags()).toEqual([{ Key: 'project', Value: 'contact' }]);
    await cloudwatch.send(new TagResourceCommand({ ResourceARN: arn(), Tags: [{ Key: 'stage', Value: 'prod' }] }));
    expect(await tags()).toEqual([
      { Key: 'project', Value: 'contact' },
      { Key: 'stage', Value: 'prod' },
    ]);
    await cloudwatch.send(new UntagResourceCommand({ ResourceARN: arn(), TagKeys: ['project'] }));
    expect(await tags()).toEqual([{ Key: 'stage', Value: 'prod' }]);
  });

  test('delete: the alarm is gone, and tagging it is the protocol error ResourceNotFoundException', async () => {
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarm.AlarmName] }));
    expect((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.AlarmName] }))).MetricAlarms).toEqual([]);
    await expect(cloudwatch.send(new TagResourceCommand({ ResourceARN: arn(), Tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  test("an operation it does not serve is refused in the protocol's shape", async () => {
    const answer = await new Promise<{ status?: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(`${local.endpoint}/service/GraniteServiceVersion20100801/operation/GetMetricData`, {
        method: 'POST',
        headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toMatchObject({
      status: 400,
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', 'x-amzn-query-error': 'UnknownOperationException;Sender' },
    });
  });
});

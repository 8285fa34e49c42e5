import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { bundleNotifyHandler, LAMBDA_HANDLER } from '../handlers/bundle';
import type { ContactApiSettings, ContactNotify } from './contact-api-props';
import { ownLogsFindings, ownLogsStatement, tracesFindings, tracesStatement } from './internal/handler-permissions';
import { accountUniqueName, regionUniqueName } from './internal/names';
import { denyWithoutTls, serviceTrustPolicy } from './internal/policy-statements';
import { applySuppressions } from './internal/suppressions';

/** What ContactApi passes to its notifications. */
export interface ContactNotificationsProps {
  readonly notify: ContactNotify;
  /** The submissions table; its stream (NEW_IMAGE) is what the notifier reads. */
  readonly table: DynamodbTable;
  readonly settings: ContactApiSettings;
}

/** Deliveries that keep failing are kept here for this long (SQS's maximum). */
const FAILED_RETENTION_SECONDS = 1_209_600;
/** A record is retried until it is this old (the stream keeps records 24 hours). */
const MAXIMUM_RECORD_AGE_SECONDS = 21_600;
const MAXIMUM_RETRY_ATTEMPTS = 10;

/**
 * The site owner hears of every message: the table's stream (inserts only) feeds a notifier Lambda
 * that publishes each new message to an SNS topic (made here with email subscriptions for `emails`,
 * or an existing one, `topicArn`). The form's answer never waits on it. A batch that keeps failing is
 * bisected, retried and then recorded in an encrypted SQS queue (kept 14 days), and alarms on that
 * queue and on the notifier's errors publish to the same topic (or `alarmTopicArn`).
 *
 * Made by ContactApi with its `notify` prop (`contactApi.notifications`).
 */
export class ContactNotifications extends Construct {
  /** With `emails`: the customer managed key of the topic (CloudWatch alarms cannot publish to a topic under the AWS managed key). */
  public readonly topicKey?: KmsKey;
  public readonly topicKeyPolicyDocument?: DataAwsIamPolicyDocument;
  /** With `emails`: the topic, encrypted with `topicKey`. */
  public readonly topic?: SnsTopic;
  /** With `emails`: publishing needs TLS; CloudWatch alarms of this account may publish. */
  public readonly topicPolicyDocument?: DataAwsIamPolicyDocument;
  public readonly topicPolicy?: SnsTopicPolicy;
  /** One email subscription per address of `emails`, keyed by address; AWS sends each a confirmation link. */
  public readonly emailSubscriptions: Record<string, SnsTopicSubscription> = {};
  /** The ARN notifications are published to. */
  public readonly topicArn: string;
  /** The notifier's zip, built like the contact handler's. */
  public readonly notifierAsset: TerraformAsset;
  public readonly notifierLogGroup: CloudwatchLogGroup;
  public readonly notifierRole: IamRole;
  /** Read this table's stream, publish to this topic (and use its key), send to the failure queue, write its own logs. */
  public readonly notifierPolicyDocument: DataAwsIamPolicyDocument;
  public readonly notifierPolicy: IamRolePolicy;
  /** The notifier: one `Publish` per new message, batch item failures for the ones that failed. */
  public readonly notifier: LambdaFunction;
  /** Where the batches that kept failing are recorded (SSE, 14 days, TLS only). */
  public readonly failedNotifications: SqsQueue;
  public readonly failedNotificationsPolicyDocument: DataAwsIamPolicyDocument;
  public readonly failedNotificationsPolicy: SqsQueuePolicy;
  /** Inserts only, bisected on failure, retried a bounded number of times, then sent to `failedNotifications`. */
  public readonly eventSourceMapping: LambdaEventSourceMapping;
  /** A notification kept failing: something is in `failedNotifications`. */
  public readonly failedNotificationsAlarm: CloudwatchMetricAlarm;
  /** The notifier failed (an error, a timeout). */
  public readonly notifierErrorsAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ContactNotificationsProps) {
    super(scope, id);
    const { notify, table, settings } = props;
    const partition = new DataAwsPartition(this, 'partition');
    const caller = new DataAwsCallerIdentity(this, 'caller');
    const accountRoot = `arn:${partition.partition}:iam::${caller.accountId}:root`;

    // --- The topic ----------------------------------------------------------------------------------
    if (notify.emails) {
      this.topicKeyPolicyDocument = new DataAwsIamPolicyDocument(this, 'topic-key-policy-document', {
        statement: [
          // The account's IAM policies decide who else may use the key (the notifier's role does).
          { sid: 'AccountAdministersKey', effect: 'Allow', principals: [{ type: 'AWS', identifiers: [accountRoot] }], actions: ['kms:*'], resources: ['*'] },
          {
            sid: 'AlarmsPublishEncrypted',
            effect: 'Allow',
            principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
          },
        ],
      });
      this.topicKey = new KmsKey(this, 'topic-key', {
        description: 'Encrypts the contact form notifications topic',
        enableKeyRotation: true,
        policy: this.topicKeyPolicyDocument.json,
      });
      this.topic = new SnsTopic(this, 'topic', { name: regionUniqueName(this, 'messages', 256), kmsMasterKeyId: this.topicKey.arn });
      this.topicPolicyDocument = new DataAwsIamPolicyDocument(this, 'topic-policy-document', {
        statement: [
          {
            sid: 'AccountUsesTopic',
            effect: 'Allow',
            principals: [{ type: 'AWS', identifiers: [accountRoot] }],
            actions: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
            resources: [this.topic.arn],
          },
          {
            sid: 'AlarmsOfThisAccountPublish',
            effect: 'Allow',
            principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
            actions: ['sns:Publish'],
            resources: [this.topic.arn],
            condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [caller.accountId] }],
          },
          denyWithoutTls(['sns:Publish'], [this.topic.arn]),
        ],
      });
      this.topicPolicy = new SnsTopicPolicy(this, 'topic-policy', { arn: this.topic.arn, policy: this.topicPolicyDocument.json });
      for (const email of notify.emails) {
        this.emailSubscriptions[email] = new SnsTopicSubscription(this, `email-${email}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
      }
    }
    this.topicArn = this.topic?.arn ?? notify.topicArn!;

    // --- Where failures are kept ------------------------------------------------------------------
    this.failedNotifications = new SqsQueue(this, 'failed-notifications', {
      name: regionUniqueName(this, 'failed-notifications', 80),
      messageRetentionSeconds: FAILED_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.failedNotificationsPolicyDocument = new DataAwsIamPolicyDocument(this, 'failed-notifications-policy-document', {
      statement: [denyWithoutTls(['sqs:*'], [this.failedNotifications.arn])],
    });
    this.failedNotificationsPolicy = new SqsQueuePolicy(this, 'failed-notifications-policy', {
      queueUrl: this.failedNotifications.url,
      policy: this.failedNotificationsPolicyDocument.json,
    });

    // --- The notifier -----------------------------------------------------------------------------
    const bundle = bundleNotifyHandler();
    this.notifierAsset = new TerraformAsset(this, 'notifier-zip', { path: bundle.zipPath, type: AssetType.FILE });
    const functionName = regionUniqueName(this, 'notifier');
    this.notifierLogGroup = new CloudwatchLogGroup(this, 'notifier-logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: settings.logsKmsKeyArn,
    });
    this.notifierRole = new IamRole(this, 'notifier-role', {
      name: accountUniqueName(this, 'notifier'),
      description: 'Contact form notifier: reads new submissions from the stream, publishes them',
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
      lifecycle: { createBeforeDestroy: true },
    });
    this.notifierPolicyDocument = new DataAwsIamPolicyDocument(this, 'notifier-policy-document', {
      statement: notifierStatements({
        table,
        topicArn: this.topicArn,
        topicKeyArn: this.topicKey?.arn,
        queueArn: this.failedNotifications.arn,
        logGroupArn: this.notifierLogGroup.arn,
        tracing: settings.tracing,
      }),
    });
    this.notifierPolicy = new IamRolePolicy(this, 'notifier-policy', {
      name: 'contact-notifier',
      role: this.notifierRole.id,
      policy: this.notifierPolicyDocument.json,
      lifecycle: { createBeforeDestroy: true },
    });
    this.notifier = new LambdaFunction(this, 'notifier', {
      functionName,
      description: 'Publishes each new contact form submission to SNS',
      role: this.notifierRole.arn,
      filename: this.notifierAsset.path,
      sourceCodeHash: bundle.sourceCodeHash,
      handler: LAMBDA_HANDLER,
      runtime: settings.runtime,
      architectures: [settings.architecture],
      memorySize: 256,
      timeout: 30,
      environment: { variables: { TOPIC_ARN: this.topicArn } },
      tracingConfig: { mode: settings.tracing ? 'Active' : 'PassThrough' },
      loggingConfig: { logFormat: 'Text', logGroup: this.notifierLogGroup.name },
      dependsOn: [this.notifierPolicy, this.notifierLogGroup],
    });
    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'stream-mapping', {
      eventSourceArn: table.streamArn,
      functionName: this.notifier.arn,
      startingPosition: 'LATEST',
      batchSize: 10,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: MAXIMUM_RETRY_ATTEMPTS,
      maximumRecordAgeInSeconds: MAXIMUM_RECORD_AGE_SECONDS,
      functionResponseTypes: ['ReportBatchItemFailures'],
      filterCriteria: { filter: [{ pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      destinationConfig: { onFailure: { destinationArn: this.failedNotifications.arn } },
      // Lambda checks the role can read the stream when the mapping is made.
      dependsOn: [this.notifierPolicy],
    });

    // --- Alarms -----------------------------------------------------------------------------------
    const alarmActions = [notify.alarmTopicArn ?? this.topicArn];
    this.failedNotificationsAlarm = alarmOnAnyOf(this, 'failed-notifications', alarmActions, {
      alarmDescription: 'Contact form notifications kept failing: read the failed-notifications queue and the notifier logs (the messages are in the table)',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.failedNotifications.name },
      statistic: 'Maximum',
    });
    this.notifierErrorsAlarm = alarmOnAnyOf(this, 'notifier-errors', alarmActions, {
      alarmDescription: 'The contact form notifier failed (its records are retried, then kept in the failed-notifications queue)',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.notifier.functionName },
      statistic: 'Sum',
    });

    this.suppressByDesign(settings);
  }

  private suppressByDesign(settings: ContactApiSettings): void {
    applySuppressions([
      {
        resource: this.notifierPolicy,
        rules: ['AwsSolutions-IAM5'],
        reason:
          "logs:CreateLogStream and logs:PutLogEvents are limited to the notifier's own log group (streams are named at run time). dynamodb:ListStreams " +
          'supports no resource-level permissions (the stream itself is read only through DescribeStream/GetShardIterator/GetRecords on its ARN).' +
          (settings.tracing ? ' X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.' : ''),
        appliesTo: [...ownLogsFindings(this.notifierLogGroup.arn), 'Resource::* for dynamodb:ListStreams', ...tracesFindings(settings.tracing)],
      },
      {
        resource: this.topicKeyPolicyDocument,
        rules: ['CKV_AWS_109', 'CKV_AWS_111', 'CKV_AWS_356'],
        reason:
          'A key policy: its "*" resource is this key and nothing else, and kms:* for the account root is AWS\'s default key policy, which hands the ' +
          "decision to the account's IAM policies (the notifier's role gets only GenerateDataKey and Decrypt). CloudWatch may only encrypt for the topic.",
      },
      {
        resource: this.notifier,
        rules: ['CKV_AWS_116'],
        reason:
          'The notifier is invoked by a DynamoDB stream mapping, whose on-failure destination (the failed-notifications queue) keeps what a dead-letter ' +
          'queue would: a function DLQ only receives failed asynchronous invocations.',
      },
      {
        resource: this.notifier,
        rules: ['CKV_AWS_117'],
        reason:
          'The notifier reaches only the public SNS, CloudWatch Logs and X-Ray endpoints (TLS, IAM-signed); a VPC would add NAT or endpoints with nothing to protect.',
      },
      { resource: this.notifier, rules: ['CKV_AWS_173'], reason: 'The environment holds only the topic ARN, which is not a secret (CKV_AWS_45 checks).' },
      {
        resource: this.notifier,
        rules: ['CKV_AWS_272'],
        reason: 'The zip is built by this deploy from the source in the same commit and pinned by source_code_hash in the plan, like the contact handler.',
      },
      {
        resource: this.notifier,
        rules: ['CKV_AWS_115'],
        reason:
          'A stream mapping runs at most one invocation per shard at a time, which bounds the notifier; reserving concurrency would take it from the account.',
      },
      {
        resource: this.notifierLogGroup,
        rules: ['CKV_AWS_158'],
        when: settings.logsKmsKeyArn === undefined,
        reason: 'No logsKmsKeyArn: CloudWatch Logs encrypts every log group at rest; the notifier logs ids and outcomes only, never a message or an address.',
      },
      {
        resource: this.notifierLogGroup,
        rules: ['CKV_AWS_338'],
        when: settings.logRetentionDays < 365,
        reason: `Kept ${settings.logRetentionDays} days (logRetentionDays): ids and outcomes, kept as long as the API's logs.`,
      },
    ]);
  }
}

/** The notifier's permissions: read this table's stream, publish, send failures, write its logs. */
function notifierStatements(options: {
  table: DynamodbTable;
  topicArn: string;
  topicKeyArn?: string;
  queueArn: string;
  logGroupArn: string;
  tracing: boolean;
}): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: 'ReadNewSubmissions',
      effect: 'Allow',
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [options.table.streamArn],
    },
    // ListStreams has no resource-level permissions.
    { sid: 'FindStream', effect: 'Allow', actions: ['dynamodb:ListStreams'], resources: ['*'] },
    { sid: 'Notify', effect: 'Allow', actions: ['sns:Publish'], resources: [options.topicArn] },
    ...(options.topicKeyArn
      ? [{ sid: 'EncryptForTopic', effect: 'Allow', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [options.topicKeyArn] }]
      : []),
    { sid: 'KeepFailures', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [options.queueArn] },
    ownLogsStatement(options.logGroupArn),
    ...(options.tracing ? [tracesStatement()] : []),
  ];
}

/** An alarm `<name>-alarm` that fires as soon as the metric is above 0 in a 5-minute period, and publishes to `alarmActions`. */
function alarmOnAnyOf(
  scope: Construct,
  name: string,
  alarmActions: string[],
  metric: Pick<CloudwatchMetricAlarmConfig, 'alarmDescription' | 'namespace' | 'metricName' | 'dimensions' | 'statistic'>,
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, `${name}-alarm`, {
    alarmName: regionUniqueName(scope, name, 255),
    ...metric,
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions,
  });
}

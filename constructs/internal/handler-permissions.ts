/** The handlers' permissions: what the contact handler's role allows, and the grants every function of ours has. */
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const TRACE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Writing the function's own log streams: they are named per execution environment, so matched within its one log group. */
export function ownLogsStatement(logGroupArn: string): DataAwsIamPolicyDocumentStatement {
  return { sid: 'WriteOwnLogs', effect: 'Allow', actions: LOG_ACTIONS, resources: [`${logGroupArn}:*`] };
}

/** X-Ray's write actions support no resource-level permissions: "*" is the only valid resource. */
export function tracesStatement(): DataAwsIamPolicyDocumentStatement {
  return { sid: 'SendTraces', effect: 'Allow', actions: TRACE_ACTIONS, resources: ['*'] };
}

/** The AwsSolutions-IAM5 findings of ownLogsStatement, for the suppression that covers exactly them. */
export function ownLogsFindings(logGroupArn: string): string[] {
  return LOG_ACTIONS.map((action) => `Resource::${logGroupArn}:* for ${action}`);
}

/** The AwsSolutions-IAM5 findings of tracesStatement (none without tracing). */
export function tracesFindings(tracing: boolean): string[] {
  return tracing ? TRACE_ACTIONS.map((action) => `Resource::* for ${action}`) : [];
}

/**
 * Store and read back submissions in `tableArn`, write the function's own log streams, use the table's
 * key only through DynamoDB in `region` (with `tableKmsKeyArn`), send traces (with `tracing`).
 */
export function handlerPolicyStatements(options: {
  tableArn: string;
  logGroupArn: string;
  region: string;
  tableKmsKeyArn?: string;
  tracing: boolean;
}): DataAwsIamPolicyDocumentStatement[] {
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    // PutItem stores; GetItem reads back an existing id when a retried submission's conditional put
    // fails without returning the old item, so the retry gets the same answer (handlers/contact/store.ts).
    { sid: 'StoreSubmissions', effect: 'Allow', actions: ['dynamodb:PutItem', 'dynamodb:GetItem'], resources: [options.tableArn] },
    ownLogsStatement(options.logGroupArn),
  ];
  if (options.tableKmsKeyArn !== undefined) {
    statements.push({
      // DynamoDB decrypts the table key with the caller's permissions (cached for a few minutes per caller).
      sid: 'UseTableKey',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [options.tableKmsKeyArn],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${options.region}.amazonaws.com`] }],
    });
  }
  if (options.tracing) statements.push(tracesStatement());
  return statements;
}

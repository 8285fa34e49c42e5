/** The contact handler's permissions: what its role's one inline policy allows. */
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
export const TRACE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

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
    {
      sid: 'WriteOwnLogs',
      effect: 'Allow',
      actions: LOG_ACTIONS,
      // Log stream names are made per execution environment, so they are matched within this one log group.
      resources: [`${options.logGroupArn}:*`],
    },
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
  if (options.tracing) {
    statements.push({
      // X-Ray's write actions support no resource-level permissions: "*" is the only valid resource.
      sid: 'SendTraces',
      effect: 'Allow',
      actions: TRACE_ACTIONS,
      resources: ['*'],
    });
  }
  return statements;
}

/** DynamoDB table and CloudWatch log group rules. */
import { fail, pass, Rule, show } from '../rule';

/** CKV_AWS_28: point-in-time recovery (35 days of restorable history). */
export const tablePointInTimeRecovery: Rule = {
  id: 'CKV_AWS_28',
  ruleSet: 'checkov',
  title: 'DynamoDB table has point-in-time recovery enabled',
  resourceTypes: ['aws_dynamodb_table'],
  check: (table) => {
    const enabled = table.get('point_in_time_recovery.enabled');
    return enabled === true ? pass('point_in_time_recovery.enabled = true') : fail(`point_in_time_recovery.enabled is ${show(enabled)}`);
  },
};

/** CKV_AWS_119: encryption at rest with a customer managed KMS key (not the AWS owned or AWS managed key). */
export const tableCustomerKey: Rule = {
  id: 'CKV_AWS_119',
  ruleSet: 'checkov',
  title: 'DynamoDB table is encrypted with a customer managed KMS key (server_side_encryption.kms_key_arn)',
  resourceTypes: ['aws_dynamodb_table'],
  check: (table) => {
    const enabled = table.get('server_side_encryption.enabled');
    const key = table.get('server_side_encryption.kms_key_arn');
    if (enabled !== true) return fail(`server_side_encryption.enabled is ${show(enabled)}: the table uses the AWS owned key`);
    return typeof key === 'string' && key !== ''
      ? pass(`server_side_encryption.kms_key_arn = ${show(key)}`)
      : fail('server_side_encryption.kms_key_arn is not set: the table uses the AWS managed key aws/dynamodb');
  },
};

/** CKV_AWS_66: log groups expire their events (retention set, not "never expire"). */
export const logGroupRetention: Rule = {
  id: 'CKV_AWS_66',
  ruleSet: 'checkov',
  title: 'CloudWatch log group has a retention period (retention_in_days)',
  resourceTypes: ['aws_cloudwatch_log_group'],
  check: (group) => {
    const days = group.body.retention_in_days;
    return typeof days === 'number' && days > 0 ? pass(`retention_in_days = ${days}`) : fail(`retention_in_days is ${show(days)}: events are kept forever`);
  },
};

export const dataRules: Rule[] = [tablePointInTimeRecovery, tableCustomerKey, logGroupRetention];

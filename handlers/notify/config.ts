/**
 * The notifier's settings, read once from the environment at start-up (the construct sets them):
 * - `TOPIC_ARN` (required): the SNS topic every notification is published to.
 * - `AWS_REGION` (required; the Lambda runtime sets it).
 * The SDK reads `AWS_ENDPOINT_URL_SNS` / `AWS_ENDPOINT_URL` and `AWS_MAX_ATTEMPTS` itself.
 */
export interface NotifyConfig {
  readonly topicArn?: string;
  readonly region?: string;
  /** Every setting that is missing or invalid; every record is reported as failed while this is not empty. */
  readonly problems: readonly string[];
}

/** A standard or FIFO topic's ARN in any partition. */
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

export function readNotifyConfig(env: Readonly<Record<string, string | undefined>>): NotifyConfig {
  const problems: string[] = [];
  const topicArn = env.TOPIC_ARN?.trim() || undefined;
  if (topicArn === undefined) problems.push('TOPIC_ARN is not set');
  else if (!TOPIC_ARN_PATTERN.test(topicArn)) problems.push('TOPIC_ARN is not an SNS topic ARN');
  const region = env.AWS_REGION?.trim() || undefined;
  if (region === undefined) problems.push('AWS_REGION is not set');
  return { topicArn, region, problems };
}

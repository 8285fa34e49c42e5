import { logEvent } from '../contact/log';
import { notifyBatch } from './batch';
import { readNotifyConfig } from './config';
import { createSnsPublisher } from './publish';
import type { LambdaContext } from '../contact/index';
import type { DynamoDbStreamEvent } from './records';
import type { StreamBatchResponse } from './respond';

export type { LambdaContext } from '../contact/index';
export type { DynamoDbStreamEvent, DynamoDbStreamRecord } from './records';
export type { StreamBatchResponse } from './respond';

// Read once per container; a bad setting is logged here once, and every submission then fails (and is retried).
const config = readNotifyConfig(process.env);
const publisher = config.problems.length === 0 ? createSnsPublisher({ topicArn: config.topicArn!, region: config.region! }) : undefined;
if (publisher === undefined) logEvent('error', { event: 'config_invalid', problems: config.problems });

/** The notifier: a DynamoDB Streams batch (NEW_IMAGE) -> one SNS notification per new submission. */
export const handler = (event: DynamoDbStreamEvent | null | undefined, context?: LambdaContext): Promise<StreamBatchResponse> =>
  notifyBatch(event, { publisher, requestId: context?.awsRequestId ?? 'unknown' });

import { logEvent } from '../contact/log';
import { formatNotification } from './message';
import type { NotificationPublisher, PublishOutcome } from './publish';
import { readStreamRecord, streamRecordIds, type DynamoDbStreamEvent, type DynamoDbStreamRecord, type SkipReason } from './records';
import { batchResponse, type StreamBatchResponse } from './respond';

/** What became of one stream record; logged with the record's ids (never the submission's content). */
export type RecordOutcome =
  | { readonly outcome: 'skipped'; readonly reason: SkipReason }
  | { readonly outcome: 'not_configured' }
  | { readonly outcome: 'internal_error'; readonly errorName: string }
  | (PublishOutcome & { readonly submissionId?: string });

/**
 * One DynamoDB Streams batch: every insert of a submission becomes one notification; every other record is
 * skipped. Records whose notification failed come back as batch item failures (never a thrown error, so one bad
 * record does not fail the others). The rest of the batch is still published: Lambda retries from the lowest
 * failed record, and a record that keeps failing must not keep the ones after it from being sent (a retry may
 * send those again: at-least-once). Without a publisher (invalid settings) every submission fails, to be retried.
 */
export async function notifyBatch(
  event: DynamoDbStreamEvent | null | undefined,
  options: { readonly publisher: NotificationPublisher | undefined; readonly requestId: string },
): Promise<StreamBatchResponse> {
  const started = Date.now();
  const records = Array.isArray(event?.Records) ? event.Records : [];
  const failed: (string | undefined)[] = [];
  const counts: Record<string, number> = {};
  for (const record of records) {
    const ids = streamRecordIds(record);
    const result = await notifyRecord(record, options.publisher);
    const isFailure = result.outcome !== 'published' && result.outcome !== 'skipped';
    if (isFailure) failed.push(ids.sequenceNumber);
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    logEvent(isFailure ? 'error' : 'info', { requestId: options.requestId, event: 'record', ...ids, ...result });
  }
  logEvent(failed.length > 0 ? 'warn' : 'info', {
    requestId: options.requestId,
    event: 'batch',
    records: records.length,
    ...counts,
    batchItemFailures: failed.length,
    durationMs: Date.now() - started,
  });
  return batchResponse(failed);
}

async function notifyRecord(record: DynamoDbStreamRecord | null | undefined, publisher: NotificationPublisher | undefined): Promise<RecordOutcome> {
  try {
    const content = readStreamRecord(record);
    if (content.kind === 'skipped') return { outcome: 'skipped', reason: content.reason };
    if (publisher === undefined) return { outcome: 'not_configured' };
    const published = await publisher.publish(formatNotification(content.submission));
    return { ...published, submissionId: content.submission.id };
  } catch (error) {
    // Unreachable by design (a malformed record is skipped, SNS errors are outcomes): still a failure, never a throw.
    return { outcome: 'internal_error', errorName: error instanceof Error ? error.name : typeof error };
  }
}

/**
 * The answer to Lambda's event source mapping (`function_response_types = ["ReportBatchItemFailures"]`): the
 * sequence numbers of the records whose notification failed. Lambda checkpoints before the lowest of them and
 * retries from there (bisecting the batch, up to the mapping's retry limit, then the on-failure destination).
 * An empty list means the whole batch is done.
 */
export interface StreamBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/**
 * `failedSequenceNumbers` in batch order. A failed record without a sequence number is reported as `""`, which
 * Lambda treats as a failure of the whole batch: retried rather than lost.
 */
export function batchResponse(failedSequenceNumbers: readonly (string | undefined)[]): StreamBatchResponse {
  return { batchItemFailures: failedSequenceNumbers.map((sequenceNumber) => ({ itemIdentifier: sequenceNumber ?? '' })) };
}

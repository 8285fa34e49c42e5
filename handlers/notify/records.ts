import { CONTACT_FIELD_NAMES, type ContactFieldName } from '../contact/fields';

/**
 * The DynamoDB Streams event (stream view type NEW_IMAGE) -> the stored submissions to notify. The item is read
 * as contact/store.ts writes it: `id`, one string attribute per field of fields.ts that was filled in, and
 * `submittedAt` (ISO 8601), all of type S.
 */

/** An attribute value as a stream record carries it (`{ "S": "..." }`, `{ "N": "1" }`, ...); only strings (S) are read. */
export interface StreamAttributeValue {
  readonly S?: unknown;
}

export interface DynamoDbStreamRecord {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly SequenceNumber?: string;
    readonly NewImage?: Readonly<Record<string, StreamAttributeValue>>;
  };
}

export interface DynamoDbStreamEvent {
  readonly Records?: readonly DynamoDbStreamRecord[];
}

/** One stored submission, read from a stream record's new image. */
export interface StoredSubmission {
  readonly id?: string;
  readonly fields: { readonly [name in ContactFieldName]?: string };
  readonly submittedAt?: string;
  /** The page the form was sent from, when the item records one (contact/store.ts does not yet). */
  readonly page?: string;
}

export type SkipReason = 'not_insert' | 'no_new_image' | 'no_fields';

export type StreamRecordContent =
  { readonly kind: 'submission'; readonly submission: StoredSubmission } | { readonly kind: 'skipped'; readonly reason: SkipReason };

/** The attribute names of the item besides the form's fields (see toItem in contact/store.ts). */
export const ID_ATTRIBUTE = 'id';
export const SUBMITTED_AT_ATTRIBUTE = 'submittedAt';
export const PAGE_ATTRIBUTE = 'page';

/** Only a new item with at least one of the form's fields is a submission; anything else is skipped. */
export function readStreamRecord(record: DynamoDbStreamRecord | null | undefined): StreamRecordContent {
  if (record?.eventName !== 'INSERT') return { kind: 'skipped', reason: 'not_insert' };
  const image = record.dynamodb?.NewImage;
  if (image === undefined || image === null || typeof image !== 'object') return { kind: 'skipped', reason: 'no_new_image' };
  const fields: { [name in ContactFieldName]?: string } = {};
  for (const name of CONTACT_FIELD_NAMES) {
    const value = stringAttribute(image, name);
    if (value !== undefined && value.trim() !== '') fields[name] = value;
  }
  if (Object.keys(fields).length === 0) return { kind: 'skipped', reason: 'no_fields' };
  return {
    kind: 'submission',
    submission: {
      id: stringAttribute(image, ID_ATTRIBUTE),
      fields,
      submittedAt: stringAttribute(image, SUBMITTED_AT_ATTRIBUTE),
      page: stringAttribute(image, PAGE_ATTRIBUTE),
    },
  };
}

/** The record's ids for logs and the batch response (the sequence number is its `itemIdentifier`). */
export function streamRecordIds(record: DynamoDbStreamRecord | null | undefined): { eventId?: string; sequenceNumber?: string } {
  const eventId = typeof record?.eventID === 'string' ? record.eventID : undefined;
  const sequenceNumber = typeof record?.dynamodb?.SequenceNumber === 'string' ? record.dynamodb.SequenceNumber : undefined;
  return { eventId, sequenceNumber };
}

function stringAttribute(image: Readonly<Record<string, StreamAttributeValue>>, name: string): string | undefined {
  const value = image[name]?.S;
  return typeof value === 'string' ? value : undefined;
}

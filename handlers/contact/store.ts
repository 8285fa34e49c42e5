import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CONTACT_FIELD_NAMES, MAX_USER_AGENT_LENGTH } from './fields';
import type { Submission } from './validate';

export interface SubmissionRecord {
  readonly id: string;
  readonly submission: Submission;
  readonly submittedAt: string;
  readonly userAgent: string | undefined;
  /** The page the form was on (its URL without query or fragment), when the browser said and that site is allowed. */
  readonly page?: string;
}

export type StoreOutcome =
  /** Written now. */
  | { readonly outcome: 'stored' }
  /** An item with this id holds the same fields: a retry of a stored submission. */
  | { readonly outcome: 'duplicate' }
  /** An item with this id holds different fields: the idempotency key was reused for another submission. */
  | { readonly outcome: 'conflict' }
  /** Throttled, unreachable or failing on DynamoDB's side: worth retrying later. */
  | { readonly outcome: 'unavailable'; readonly errorName: string }
  | { readonly outcome: 'failed'; readonly errorName: string };

export interface SubmissionStore {
  save(record: SubmissionRecord): Promise<StoreOutcome>;
}

/**
 * The item id: random, or, when the client sent an idempotency key, a UUID-shaped SHA-256 of the key so a
 * retry maps to the same item and the conditional put refuses to write it twice.
 */
export function submissionIdFor(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`contact-submission\0${idempotencyKey}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8'; // UUID version 8 (custom)
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16); // RFC 9562 variant
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The item: id, the accepted fields, submittedAt, the user agent and the page; nothing else. */
export function toItem(record: SubmissionRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { id: { S: record.id } };
  for (const name of CONTACT_FIELD_NAMES) {
    const value = record.submission[name];
    if (value !== undefined) item[name] = { S: value };
  }
  item.submittedAt = { S: record.submittedAt };
  const userAgent = cleanUserAgent(record.userAgent);
  if (userAgent !== undefined) item.userAgent = { S: userAgent };
  if (record.page !== undefined) item.page = { S: record.page };
  return item;
}

/** The longest page URL kept; a longer one is left out. */
const MAX_PAGE_LENGTH = 2048;

/**
 * The form's page from a `Referer`: `scheme://host[:port]/path`, without the query or fragment (they can hold
 * personal data), and only when `isAllowed` accepts its origin (so a client cannot store an arbitrary text).
 */
export function pageOf(referer: string | undefined, isAllowed: (origin: string) => boolean): string | undefined {
  if (referer === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !isAllowed(url.origin)) return undefined;
  const page = `${url.origin}${url.pathname}`;
  return page.length <= MAX_PAGE_LENGTH ? page : undefined;
}

function cleanUserAgent(value: string | undefined): string | undefined {
  const cleaned = value
    // eslint-disable-next-line no-control-regex -- removes control characters on purpose
    ?.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udfff]/g, '')
    .trim()
    .slice(0, MAX_USER_AGENT_LENGTH);
  return cleaned ? cleaned : undefined;
}

function sameFields(item: Record<string, AttributeValue>, submission: Submission): boolean {
  return CONTACT_FIELD_NAMES.every((name) => item[name]?.S === submission[name]);
}

/**
 * Timeouts of the handler's DynamoDB client, in ms. With the SDK's default 3 attempts an unreachable table
 * answers 503 within about 8 s, inside ContactApi's default 10 s function timeout (PutItem normally takes ~10 ms).
 */
export const DYNAMODB_HTTP_OPTIONS = { connectionTimeout: 1000, requestTimeout: 1500 } as const;

export function createDynamoDbStore(options: { tableName: string; region: string }): SubmissionStore {
  // Endpoint (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL) and AWS_MAX_ATTEMPTS come from the environment via the SDK.
  const client = new DynamoDBClient({ region: options.region, requestHandler: { ...DYNAMODB_HTTP_OPTIONS } });

  return {
    async save(record) {
      let existing: Record<string, AttributeValue> | undefined;
      try {
        await client.send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: toItem(record),
            ConditionExpression: 'attribute_not_exists(id)',
            // DynamoDB returns the item already stored under this id with the failure: no read needed.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { outcome: 'stored' };
      } catch (error) {
        const failure = error as { name?: unknown; Item?: Record<string, AttributeValue> } | null;
        if (failure?.name !== 'ConditionalCheckFailedException') return classifyFailure(error);
        existing = failure.Item;
      }
      if (existing === undefined) {
        // Emulators (dynalite) ignore ReturnValuesOnConditionCheckFailure; read the item instead.
        try {
          const read = await client.send(new GetItemCommand({ TableName: options.tableName, Key: { id: { S: record.id } }, ConsistentRead: true }));
          existing = read.Item;
        } catch (error) {
          return classifyFailure(error);
        }
      }
      return existing !== undefined && sameFields(existing, record.submission) ? { outcome: 'duplicate' } : { outcome: 'conflict' };
    },
  };
}

const UNAVAILABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const NETWORK_ERROR_IN_MESSAGE = new RegExp(`\\b(?:${[...NETWORK_ERRORS].join('|')})\\b|socket hang up`);

export function classifyFailure(error: unknown): StoreOutcome {
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const errorName = typeof details.name === 'string' ? details.name : 'UnknownError';
  const status = details.$metadata?.httpStatusCode ?? 0;
  // Socket errors carry a code; when the SDK had to wrap one (a foreign-realm error), only its message does.
  const networkFailure =
    (typeof details.code === 'string' && NETWORK_ERRORS.has(details.code)) ||
    (typeof details.message === 'string' && NETWORK_ERROR_IN_MESSAGE.test(details.message));
  const unavailable = UNAVAILABLE_ERRORS.has(errorName) || status >= 500 || networkFailure;
  return unavailable ? { outcome: 'unavailable', errorName } : { outcome: 'failed', errorName };
}

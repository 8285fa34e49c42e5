/**
 * The submissions table: checked to be one (its key schema), then read with paginated Scans into
 * submissions, newest first. Items are those handlers/contact/store.ts writes: id, the form's fields, submittedAt.
 */
import { DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONTACT_FIELD_NAMES, type ContactFieldName } from '../../handlers/contact/fields';
import { EXIT, fromAwsError, SubmissionsError } from './errors';

export interface StoredSubmission {
  readonly id: string;
  /** ISO 8601 UTC, as the handler wrote it (empty when an item has none). */
  readonly submittedAt: string;
  readonly fields: Partial<Record<ContactFieldName, string>>;
}

export interface ScanProgress {
  /** Pages read so far (1-based), items DynamoDB looked at, and items kept after --since. */
  readonly pages: number;
  readonly scanned: number;
  readonly kept: number;
  /** Whether another page follows. */
  readonly more: boolean;
}

export interface ReadOptions {
  readonly tableName: string;
  readonly region?: string;
  readonly since?: Date;
  readonly pageSize?: number;
  readonly onPage?: (progress: ScanProgress) => void;
}

/** Refuses a table whose key is not ContactApi's: the one hash key `id`, a string. */
export async function checkSubmissionsTable(client: DynamoDBClient, options: Pick<ReadOptions, 'tableName' | 'region'>): Promise<void> {
  let table;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: options.tableName }))).Table;
  } catch (error) {
    throw fromAwsError(error, { ...options, action: 'dynamodb:DescribeTable' });
  }
  const keys = table?.KeySchema ?? [];
  const idType = table?.AttributeDefinitions?.find((a) => a.AttributeName === 'id')?.AttributeType;
  if (keys.length !== 1 || keys[0]?.AttributeName !== 'id' || keys[0]?.KeyType !== 'HASH' || idType !== 'S') {
    const schema = keys.map((k) => `${k.AttributeName} (${k.KeyType})`).join(', ') || 'none';
    throw new SubmissionsError(
      `${options.tableName} is not a submissions table: its key is ${schema}; a ContactApi table has the one string key id (HASH)`,
      EXIT.table,
    );
  }
}

const ATTRIBUTES = ['id', 'submittedAt', ...CONTACT_FIELD_NAMES] as const;

/** Every submission (from `since` on), read page by page, newest first. */
export async function readSubmissions(client: DynamoDBClient, options: ReadOptions): Promise<StoredSubmission[]> {
  // Placeholders for every name: some field names are DynamoDB reserved words.
  const names = Object.fromEntries(ATTRIBUTES.map((name, i) => [`#a${i}`, name]));
  const filter =
    options.since === undefined ? {} : { FilterExpression: '#a1 >= :since', ExpressionAttributeValues: { ':since': { S: options.since.toISOString() } } };
  const submissions: StoredSubmission[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  let pages = 0;
  let scanned = 0;
  do {
    let page;
    try {
      page = await client.send(
        new ScanCommand({
          TableName: options.tableName,
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ...filter,
          Limit: options.pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
    } catch (error) {
      throw fromAwsError(error, { ...options, action: 'dynamodb:Scan' });
    }
    for (const item of page.Items ?? []) submissions.push(toSubmission(item));
    startKey = page.LastEvaluatedKey;
    pages += 1;
    scanned += page.ScannedCount ?? page.Items?.length ?? 0;
    options.onPage?.({ pages, scanned, kept: submissions.length, more: startKey !== undefined });
  } while (startKey !== undefined);
  return sortNewestFirst(submissions);
}

export function toSubmission(item: Record<string, AttributeValue>): StoredSubmission {
  const fields: Partial<Record<ContactFieldName, string>> = {};
  for (const name of CONTACT_FIELD_NAMES) {
    const value = item[name]?.S;
    if (value !== undefined) fields[name] = value;
  }
  return { id: item.id?.S ?? '', submittedAt: item.submittedAt?.S ?? '', fields };
}

/** Newest first by submittedAt (ISO 8601 UTC sorts as text), then by id so that the order is stable. */
export function sortNewestFirst(submissions: StoredSubmission[]): StoredSubmission[] {
  const compare = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  return submissions.sort((a, b) => compare(a.submittedAt, b.submittedAt) || compare(a.id, b.id));
}

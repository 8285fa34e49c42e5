import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, waitUntilTableExists, type ScalarAttributeType } from '@aws-sdk/client-dynamodb';
import { closeServer, listen } from './net';
import type { TableModel } from './stack';

/**
 * An embedded DynamoDB (dynalite) for the preview: in memory, or on disk under `dataDir` so that
 * submissions survive a restart; the table is created from the synthesized `aws_dynamodb_table`.
 */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynamo(options: { dataDir?: string; port?: number } = {}): Promise<LocalDynamo> {
  // dynalite ships no types; it returns an http.Server whose close() also closes its database.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no type declarations: typed here, loaded only when a table is served
  const dynalite = require('dynalite') as (o: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const { url } = await listen(server, options.port ?? 0, '127.0.0.1', 'DynamoDB');
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    endpoint: url,
    client,
    async stop() {
      client.destroy();
      await closeServer(server);
    },
  };
}

/** Creates the table with the synthesized key schema, unless it exists already (data kept on disk). */
export async function ensureTable(client: DynamoDBClient, table: TableModel): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table.name }));
    return 'existing';
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  const keys = [
    { AttributeName: table.hashKey, KeyType: 'HASH' as const },
    ...(table.rangeKey ? [{ AttributeName: table.rangeKey, KeyType: 'RANGE' as const }] : []),
  ];
  const keyNames = new Set(keys.map((k) => k.AttributeName));
  await client.send(
    new CreateTableCommand({
      TableName: table.name,
      KeySchema: keys,
      // Only key attributes (index attributes would need their indexes too, which the table does not have).
      AttributeDefinitions: table.attributes
        .filter((a) => keyNames.has(a.name))
        .map((a) => ({ AttributeName: a.name, AttributeType: a.type as ScalarAttributeType })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table.name });
  return 'created';
}

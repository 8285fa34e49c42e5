import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { readZip } from './zip';

/**
 * A DynamoDB-compatible server (dynalite, a devDependency) and helpers to run the bundled handler against
 * it: shared by the integration tests, the benchmark and a local preview. Not part of the Lambda bundle.
 */

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** A client for the local server (fake credentials, us-east-1). */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  // dynalite ships no types; it returns an http.Server.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dynalite ships no type declarations: typed here, loaded only when a table is served
  const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    stop: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Creates a table shaped like ContactApi's: partition key `id` (string), on-demand. */
export async function createContactTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

/** The environment the handler needs to talk to a local server. */
export function localHandlerEnvironment(endpoint: string, tableName: string, allowedOrigins: string): Record<string, string> {
  return {
    TABLE_NAME: tableName,
    AWS_REGION: 'us-east-1',
    ALLOWED_ORIGINS: allowedOrigins,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Extracts the zip's index.js into a fresh folder and returns its path (a fresh module for each call). */
export function extractHandler(zipPath: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'contact-handler-'));
  for (const entry of readZip(readFileSync(zipPath))) writeFileSync(join(dir, entry.name), entry.data);
  return join(dir, 'index.js');
}

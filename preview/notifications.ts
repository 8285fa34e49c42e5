/**
 * What the stack's notifier would send, shown without AWS: when the stack has a DynamoDB stream mapping to a
 * function (ContactApi's `notify`), every item that appears in the local table after a request is read once, as
 * the stream would deliver it (inserts only), and formatted by the notifier's own code (handlers/notify). Nothing is
 * published; the notifier function itself is not started (its topic does not exist locally).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { formatNotification, type Notification } from '../handlers/notify/message';
import { readStreamRecord } from '../handlers/notify/records';

export interface PreviewNotification extends Notification {
  readonly id?: string;
}

export interface NotificationWatcher {
  /** Reads the items that are new since the last call and reports each (call it after every API request). */
  check(): Promise<void>;
}

export function watchNewItems(client: DynamoDBClient, tableName: string, onNotification: (notification: PreviewNotification) => void): NotificationWatcher {
  const seen = new Set<string>();
  let primed = false;
  let running: Promise<void> = Promise.resolve();
  const scan = async (): Promise<void> => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey as never }));
      for (const item of page.Items ?? []) {
        const id = item.id?.S;
        if (id === undefined || seen.has(id)) continue;
        seen.add(id);
        // Items already there when the preview started (a --data-dir) were notified back then.
        if (!primed) continue;
        const content = readStreamRecord({ eventName: 'INSERT', dynamodb: { NewImage: item as Record<string, { S?: unknown }> } });
        if (content.kind === 'submission') onNotification({ id, ...formatNotification(content.submission) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    primed = true;
  };
  const check = (): Promise<void> => (running = running.then(scan, scan));
  void check();
  return { check };
}

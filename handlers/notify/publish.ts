import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './message';

export type PublishOutcome =
  | { readonly outcome: 'published'; readonly messageId?: string }
  /** SNS refused or could not be reached; the record is reported as a batch item failure and retried. */
  | { readonly outcome: 'failed'; readonly errorName: string; readonly httpStatus?: number };

export interface NotificationPublisher {
  publish(notification: Notification): Promise<PublishOutcome>;
}

/**
 * Timeouts of the notifier's SNS client, in ms (Publish normally takes ~20 ms). With the SDK's default 3 attempts
 * an unreachable SNS fails a record within about 15 s.
 */
export const SNS_HTTP_OPTIONS = { connectionTimeout: 1000, requestTimeout: 3000 } as const;

export function createSnsPublisher(options: { topicArn: string; region: string }): NotificationPublisher {
  // Endpoint (AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL) and AWS_MAX_ATTEMPTS come from the environment via the SDK.
  const client = new SNSClient({ region: options.region, requestHandler: { ...SNS_HTTP_OPTIONS } });
  return {
    async publish(notification) {
      try {
        const result = await client.send(new PublishCommand({ TopicArn: options.topicArn, Subject: notification.subject, Message: notification.message }));
        return { outcome: 'published', messageId: result.MessageId };
      } catch (error) {
        // The error's name and status only: its message may quote what was sent.
        const details = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; $metadata?: { httpStatusCode?: number } };
        return {
          outcome: 'failed',
          errorName: typeof details.name === 'string' ? details.name : 'UnknownError',
          httpStatus: details.$metadata?.httpStatusCode,
        };
      }
    },
  };
}

// The SNS emulator's state (plain JSON for snapshot/restore) and the notification shape subscribers receive.

interface TopicRecord {
  readonly arn: string;
  readonly name: string;
  attributes: Record<string, string>;
}

interface SubscriptionRecord {
  readonly arn: string;
  readonly topicArn: string;
  /** `local` for in-process subscribers; otherwise SNS's protocol names (http, https, email, sqs, lambda…). */
  readonly protocol: string;
  readonly endpoint: string;
  readonly confirmed: boolean;
}

interface SnsState {
  readonly format: 1;
  topics: Record<string, TopicRecord>;
  subscriptions: SubscriptionRecord[];
}

/** What SNS posts to an HTTP or Lambda subscriber, without the signature fields nobody can verify locally. */
interface SnsNotification {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly MessageAttributes: Record<string, { readonly Type: string; readonly Value: string }>;
}

const createState = (): SnsState => ({ format: 1, topics: {}, subscriptions: [] });

const isState = (value: unknown): value is SnsState =>
  typeof value === 'object' &&
  value !== null &&
  (value as { format?: unknown }).format === 1 &&
  typeof (value as { topics?: unknown }).topics === 'object' &&
  Array.isArray((value as { subscriptions?: unknown }).subscriptions);

export type { SnsNotification, SnsState, SubscriptionRecord, TopicRecord };
export { createState, isState };

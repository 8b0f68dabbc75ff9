// Publish, typed: what SNS checks before it accepts a message, and the notification its subscribers receive. The
// query protocol's Publish action (operations.ts) and Step Functions' sns:publish integration both come here.
import { randomUUID } from 'node:crypto';
import { invalidParameter } from './errors.ts';
import type { MessageAttribute } from './params.ts';
import type { SnsNotification } from './state.ts';

interface PublishRequest {
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string | undefined;
  readonly attributes?: Readonly<Record<string, MessageAttribute>> | undefined;
  /** `json`: the message is a map per protocol, and local subscribers get its `default` entry. */
  readonly structure?: 'json' | undefined;
}

interface Published {
  readonly messageId: string;
}

const MAX_MESSAGE_BYTES = 256 * 1024;

const messageBody = (request: PublishRequest): string => {
  const { message } = request;
  if (message === '') throw invalidParameter('Empty message');
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  if (request.structure !== 'json') return message;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const fallback = (parsed as { default?: unknown } | null)?.default;
  if (typeof fallback !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
  return fallback;
};

const checkSubject = (subject: string | undefined) => {
  if (subject !== undefined && (subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))) {
    throw invalidParameter('Subject');
  }
};

/** The notification for an accepted request (the topic already found), or SNS's InvalidParameter. */
const notificationFor = (request: PublishRequest, topicArn: string, now: Date): SnsNotification => {
  const Message = messageBody(request);
  checkSubject(request.subject);
  return {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: topicArn,
    ...(request.subject === undefined ? {} : { Subject: request.subject }),
    Message,
    Timestamp: now.toISOString(),
    MessageAttributes: Object.fromEntries(
      Object.entries(request.attributes ?? {}).map(([name, a]) => [
        name,
        { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue ?? '' },
      ]),
    ),
  };
};

export type { Published, PublishRequest };
export { notificationFor };

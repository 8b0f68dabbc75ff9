// Messages through their life: send (with delay), receive (visibility timeout, receive count, redrive to the
// dead-letter queue once maxReceiveCount is exceeded), change visibility, delete, purge, and retention expiry.
import { randomUUID } from 'node:crypto';
import { type Core, nowMs, queueArn } from './core.ts';
import { invalidMessageContents, invalidParameterValue, messageNotInflight, receiptHandleIsInvalid } from './errors.ts';
import { md5Hex, md5OfMessageAttributes } from './md5.ts';
import { intAttribute, nameFromArn, redrivePolicyOf } from './queues.ts';
import type { MessageAttribute, QueueRecord, StoredMessage } from './state.ts';

// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF: what SQS accepts in a body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed set is defined by control characters.
const INVALID_BODY = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const LOCAL_SENDER = 'AIDAAAAAAAAAAAAAAAAAA';

interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Record<string, MessageAttribute>;
}

interface Sent {
  readonly messageId: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes: string | undefined;
}

const validateBody = (queue: QueueRecord, input: SendInput) => {
  if (INVALID_BODY.test(input.body)) throw invalidMessageContents();
  const size =
    Buffer.byteLength(input.body, 'utf8') +
    Object.entries(input.messageAttributes ?? {}).reduce(
      (sum, [name, a]) =>
        sum +
        Buffer.byteLength(name) +
        Buffer.byteLength(a.DataType) +
        (a.BinaryValue ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '')),
      0,
    );
  const max = intAttribute(queue, 'MaximumMessageSize');
  if (size > max) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  if (input.delaySeconds !== undefined && (input.delaySeconds < 0 || input.delaySeconds > 900)) {
    throw invalidParameterValue(
      `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
    );
  }
};

const sendMessage = (core: Core, queue: QueueRecord, input: SendInput): Sent => {
  validateBody(queue, input);
  const at = nowMs(core);
  const delay = input.delaySeconds ?? intAttribute(queue, 'DelaySeconds');
  const messageAttributes = input.messageAttributes ?? {};
  const message: StoredMessage = {
    messageId: randomUUID(),
    body: input.body,
    md5OfBody: md5Hex(input.body),
    messageAttributes,
    senderId: LOCAL_SENDER,
    sentAt: at,
    visibleAt: at + delay * 1000,
    receiveCount: 0,
  };
  queue.messages.push(message);
  core.changes.sent(queue, message);
  // Delayed messages too: a consumer then knows when to look again.
  core.notify(queue.name);
  return {
    messageId: message.messageId,
    md5OfBody: message.md5OfBody,
    md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
  };
};

/** Drops messages older than the queue's retention period, as SQS does. */
const expire = (core: Core, queue: QueueRecord) => {
  const oldest = nowMs(core) - intAttribute(queue, 'MessageRetentionPeriod') * 1000;
  if (!queue.messages.some((m) => m.sentAt <= oldest)) return;
  core.changes.removed(
    queue,
    queue.messages.filter((m) => m.sentAt <= oldest),
  );
  queue.messages = queue.messages.filter((m) => m.sentAt > oldest);
};

const encodeHandle = (queue: string, messageId: string) =>
  Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`, 'utf8').toString('base64url');

const decodeHandle = (handle: string): { queue: string; messageId: string } => {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  const [queue, messageId, nonce] = parts;
  if (parts.length !== 3 || !queue || !messageId || !nonce) throw receiptHandleIsInvalid(handle);
  return { queue, messageId };
};

/** Moves the message to the dead-letter queue when it would exceed maxReceiveCount; true when moved. */
const redrive = (core: Core, queue: QueueRecord, message: StoredMessage): boolean => {
  const policy = redrivePolicyOf(queue);
  if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
  const dlq = core.state.queues[nameFromArn(policy.deadLetterTargetArn)];
  // A dead-letter queue deleted after the policy was set: SQS keeps redelivering, and so do we.
  if (!dlq) return false;
  queue.messages = queue.messages.filter((m) => m !== message);
  core.changes.removed(queue, [message]);
  const at = nowMs(core);
  const dead: StoredMessage = {
    ...message,
    visibleAt: at,
    receiveCount: 0,
    firstReceiveAt: undefined,
    receiptHandle: undefined,
    deadLetterQueueSourceArn: queueArn(core, queue.name),
  };
  dlq.messages.push(dead);
  core.changes.sent(dlq, dead);
  core.notify(dlq.name);
  return true;
};

/** Receives up to `max` visible messages, hiding each for `visibilityTimeout` seconds. */
const receiveMessages = (core: Core, queue: QueueRecord, max: number, visibilityTimeout?: number): StoredMessage[] => {
  expire(core, queue);
  const at = nowMs(core);
  const timeout = visibilityTimeout ?? intAttribute(queue, 'VisibilityTimeout');
  const received: StoredMessage[] = [];
  for (const message of [...queue.messages]) {
    if (received.length >= max) break;
    if (message.visibleAt > at) continue;
    if (redrive(core, queue, message)) continue;
    message.receiveCount += 1;
    message.firstReceiveAt ??= at;
    message.visibleAt = at + timeout * 1000;
    message.receiptHandle = encodeHandle(queue.name, message.messageId);
    core.changes.delivered(queue, message);
    received.push(message);
  }
  return received;
};

const messageForHandle = (queue: QueueRecord, handle: string) => {
  const { queue: name, messageId } = decodeHandle(handle);
  if (name !== queue.name) throw receiptHandleIsInvalid(handle);
  return queue.messages.find((m) => m.messageId === messageId);
};

/** Deleting a message that is already gone succeeds, as in SQS. */
const deleteMessage = (core: Core, queue: QueueRecord, handle: string) => {
  const message = messageForHandle(queue, handle);
  if (!message) return;
  queue.messages = queue.messages.filter((m) => m !== message);
  core.changes.removed(queue, [message]);
};

const changeVisibility = (core: Core, queue: QueueRecord, handle: string, seconds: number) => {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43200) {
    throw invalidParameterValue(
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
    );
  }
  const message = messageForHandle(queue, handle);
  const at = nowMs(core);
  if (!message || message.receiveCount === 0 || message.visibleAt <= at) throw messageNotInflight();
  message.visibleAt = at + seconds * 1000;
  core.changes.delivered(queue, message);
  if (seconds === 0) core.notify(queue.name);
};

export type { SendInput, Sent };
export { changeVisibility, deleteMessage, expire, receiveMessages, sendMessage };

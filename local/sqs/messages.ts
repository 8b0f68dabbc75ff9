// Messages through their life: send (with delay), receive (visibility timeout, receive count, redrive to the
// dead-letter queue once maxReceiveCount is exceeded), change visibility, delete, purge, and retention expiry. Each
// costs O(log n) in the queue's backlog (the queue's table, table.ts), never a walk over it.
import { randomUUID } from 'node:crypto';
import { type Core, nextSeq, nowMs, queueArn } from './core.ts';
import { invalidMessageContents, invalidParameterValue, messageNotInflight, receiptHandleIsInvalid } from './errors.ts';
import { intAttribute, nameFromArn, redrivePolicyOf } from './queues.ts';
import type { MessageAttribute, QueueRecord } from './state.ts';
import { ABSENT, LOCAL_SENDER, type ReceivedMessage } from './table.ts';

// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF: what SQS accepts in a body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed set is defined by control characters.
const INVALID_BODY = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Record<string, MessageAttribute>;
}

interface Sent {
  readonly messageId: string;
  /** The message's slot in its queue's table: the MD5 of its body is computed from there when someone asks. */
  readonly slot: number;
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
  const messageId = randomUUID();
  const slot = queue.messages.add(
    {
      messageId,
      body: input.body,
      messageAttributes: input.messageAttributes ?? {},
      senderId: LOCAL_SENDER,
      sentAt: at,
      visibleAt: at + delay * 1000,
      receiveCount: 0,
    },
    nextSeq(core),
    at,
  );
  core.changes.sent(queue, slot);
  // Delayed messages too: a consumer then knows when to look again.
  core.notify(queue.name);
  return { messageId, slot };
};

const removeSlots = (core: Core, queue: QueueRecord, slots: readonly number[]) => {
  if (slots.length === 0) return;
  core.changes.removed(
    queue,
    slots.map((slot) => queue.messages.remove(slot)),
  );
};

/** Drops messages older than the queue's retention period, as SQS does: from the oldest, as far as they are due. */
const expire = (core: Core, queue: QueueRecord) => {
  const table = queue.messages;
  const oldest = nowMs(core) - intAttribute(queue, 'MessageRetentionPeriod') * 1000;
  const gone: string[] = [];
  for (let slot = table.oldest(); slot !== ABSENT && table.sentAt(slot) <= oldest; slot = table.oldest()) {
    gone.push(table.remove(slot));
  }
  if (gone.length > 0) core.changes.removed(queue, gone);
};

const encodeHandle = (queue: string, messageId: string) =>
  Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`, 'utf8').toString('base64url');

const decodeHandle = (handle: string): { queue: string; messageId: string } => {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  const [queue, messageId, nonce] = parts;
  if (parts.length !== 3 || !queue || !messageId || !nonce) throw receiptHandleIsInvalid(handle);
  return { queue, messageId };
};

/** Moves the message to the dead-letter queue, receivable there at once and counted afresh. */
const moveToDeadLetters = (core: Core, queue: QueueRecord, dlq: QueueRecord, slot: number) => {
  const table = queue.messages;
  const at = nowMs(core);
  const { firstReceiveAt: _first, receiptHandle: _handle, ...message } = table.stored(slot);
  const md5OfBody = table.md5(slot);
  core.changes.removed(queue, [table.remove(slot)]);
  const dead = dlq.messages.add(
    { ...message, md5OfBody, visibleAt: at, receiveCount: 0, deadLetterQueueSourceArn: queueArn(core, queue.name) },
    nextSeq(core),
    at,
  );
  core.changes.sent(dlq, dead);
  core.notify(dlq.name);
};

/** Receives up to `max` visible messages, hiding each for `visibilityTimeout` seconds. */
const receiveMessages = (
  core: Core,
  queue: QueueRecord,
  max: number,
  visibilityTimeout?: number,
): ReceivedMessage[] => {
  expire(core, queue);
  const table = queue.messages;
  const at = nowMs(core);
  table.promote(at);
  const hideUntil = at + (visibilityTimeout ?? intAttribute(queue, 'VisibilityTimeout')) * 1000;
  const policy = redrivePolicyOf(queue);
  // A dead-letter queue deleted after the policy was set: SQS keeps redelivering, and so do we.
  const dlq = policy ? core.state.queues[nameFromArn(policy.deadLetterTargetArn)] : undefined;
  const received: ReceivedMessage[] = [];
  while (received.length < max) {
    const slot = table.firstReady();
    if (slot === ABSENT) break;
    // One more receive would exceed maxReceiveCount: to the dead-letter queue instead.
    if (policy && dlq && table.receiveCount(slot) >= policy.maxReceiveCount) {
      moveToDeadLetters(core, queue, dlq, slot);
      continue;
    }
    const message = table.receive(slot, at, hideUntil, encodeHandle(queue.name, table.id(slot)));
    core.changes.delivered(queue, slot);
    received.push(message);
  }
  return received;
};

/** The slot a receipt handle names, or ABSENT when that message is gone. */
const slotForHandle = (queue: QueueRecord, handle: string) => {
  const { queue: name, messageId } = decodeHandle(handle);
  if (name !== queue.name) throw receiptHandleIsInvalid(handle);
  return queue.messages.slotOf(messageId);
};

/** Deleting a message that is already gone succeeds, as in SQS. */
const deleteMessage = (core: Core, queue: QueueRecord, handle: string) => {
  const slot = slotForHandle(queue, handle);
  if (slot !== ABSENT) removeSlots(core, queue, [slot]);
};

/** Deletes the messages with these ids that are still on the queue (an event source mapping's finished batch). */
const deleteMessages = (core: Core, queue: QueueRecord, messageIds: readonly string[]) => {
  const slots: number[] = [];
  for (const id of messageIds) {
    const slot = queue.messages.slotOf(id);
    if (slot !== ABSENT) slots.push(slot);
  }
  removeSlots(core, queue, slots);
};

const changeVisibility = (core: Core, queue: QueueRecord, handle: string, seconds: number) => {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43200) {
    throw invalidParameterValue(
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
    );
  }
  const slot = slotForHandle(queue, handle);
  const table = queue.messages;
  const at = nowMs(core);
  if (slot === ABSENT || table.receiveCount(slot) === 0 || table.visibleAt(slot) <= at) throw messageNotInflight();
  table.hide(slot, at + seconds * 1000);
  core.changes.delivered(queue, slot);
  if (seconds === 0) core.notify(queue.name);
};

/** Empties the queue (PurgeQueue). */
const purgeMessages = (core: Core, queue: QueueRecord) => {
  const ids = queue.messages.clear();
  if (ids.length > 0) core.changes.removed(queue, ids);
};

/** How many messages are receivable now, in flight and delayed (GetQueueAttributes). */
const countMessages = (core: Core, queue: QueueRecord) => {
  expire(core, queue);
  queue.messages.promote(nowMs(core));
  return { visible: queue.messages.readyCount(), ...queue.messages.hiddenCounts() };
};

/** How many messages are receivable now (an event source mapping deciding whether to receive). */
const readyCount = (core: Core, queue: QueueRecord) => {
  expire(core, queue);
  queue.messages.promote(nowMs(core));
  return queue.messages.readyCount();
};

export type { SendInput, Sent };
export {
  changeVisibility,
  countMessages,
  deleteMessage,
  deleteMessages,
  purgeMessages,
  readyCount,
  receiveMessages,
  sendMessage,
};

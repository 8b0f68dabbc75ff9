// The SQS API over AWS JSON 1.0: each operation reads its members, acts on the core and returns SQS's output shape.

import { checkEntries, failedEntry } from './batch.ts';
import { type Core, nowMs, queueUrl } from './core.ts';
import { invalidParameterValue, purgeQueueInProgress } from './errors.ts';
import { createReader, messageAttributes, type Reader } from './input.ts';
import { md5OfMessageAttributes } from './md5.ts';
import {
  changeVisibility,
  countMessages,
  deleteMessage,
  purgeMessages,
  receiveMessages,
  type SendInput,
  sendMessage,
} from './messages.ts';
import { createQueueRecord, findQueue, queueByUrl, readAttributes, validateAttributes } from './queues.ts';
import type { MessageAttribute, QueueRecord } from './state.ts';
import type { ReceivedMessage } from './table.ts';

const PURGE_INTERVAL_MS = 60_000;

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

const createQueue = (core: Core, read: Reader) => {
  const queue = createQueueRecord(core, read.required('QueueName'), read.stringMap('Attributes'));
  return { QueueUrl: queueUrl(core, queue.name) };
};

const getQueueUrl = (core: Core, read: Reader) => ({
  QueueUrl: queueUrl(core, findQueue(core, read.required('QueueName')).name),
});

const getQueueAttributes = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  const attributes = readAttributes(core, queue, read.stringList('AttributeNames'), countMessages(core, queue));
  return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
};

const setQueueAttributes = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  const attributes = validateAttributes(core, read.stringMap('Attributes'));
  queue.attributes = { ...queue.attributes, ...attributes };
  queue.modifiedAt = nowMs(core);
  core.changes.queue(queue);
  return {};
};

const sendInput = (read: Reader): SendInput => {
  const body = read.required('MessageBody');
  if (body === '') throw invalidParameterValue('The request must contain the parameter MessageBody.');
  const delaySeconds = read.integer('DelaySeconds');
  return {
    body,
    messageAttributes: messageAttributes(read),
    ...(delaySeconds === undefined ? {} : { delaySeconds }),
  };
};

/** SendMessage's answer: the body's MD5, computed now and kept for the receives, and the attributes'. */
const sent = (core: Core, queue: QueueRecord, input: SendInput) => {
  const { messageId, slot } = sendMessage(core, queue, input);
  const md5OfAttributes = input.messageAttributes ? md5OfMessageAttributes(input.messageAttributes) : undefined;
  return {
    MessageId: messageId,
    MD5OfMessageBody: queue.messages.md5(slot),
    ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
  };
};

const send = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  return sent(core, queue, sendInput(read));
};

/**
 * A `…Batch` operation: checks the entries' ids, runs `each` per entry and sorts the outcomes into `Successful`
 * (with what `each` returned) and `Failed` (the entry's error, as AWS reports it).
 */
const batch =
  (each: (queue: ReturnType<typeof queueByUrl>, entry: Reader, core: Core) => Record<string, unknown>) =>
  (core: Core, read: Reader) => {
    const queue = queueByUrl(core, read.required('QueueUrl'));
    const entries = read.structureList('Entries');
    const ids = checkEntries(entries);
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    entries.forEach((entry, i) => {
      const Id = ids[i] ?? '';
      try {
        Successful.push({ Id, ...each(queue, createReader(entry), core) });
      } catch (error) {
        Failed.push(failedEntry(Id, error));
      }
    });
    return { Successful, Failed };
  };

const sendBatch = batch((queue, entry, core) => sent(core, queue, sendInput(entry)));

/** `All` and `.*` match every name; `prefix.*` matches by prefix; anything else exactly. */
const nameFilter = (requested: readonly string[]) => (name: string) =>
  requested.some(
    (r) => r === 'All' || r === '.*' || r === name || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))),
  );

const systemAttributes = (message: ReceivedMessage, wanted: (name: string) => boolean) => {
  const all: Record<(typeof SYSTEM_ATTRIBUTES)[number], string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
  };
  return Object.fromEntries(Object.entries(all).filter(([name, value]) => value !== undefined && wanted(name)));
};

const receive = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  const max = read.integer('MaxNumberOfMessages') ?? 1;
  if (max < 1 || max > 10) {
    throw invalidParameterValue(
      `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
    );
  }
  const wait = read.integer('WaitTimeSeconds');
  if (wait !== undefined && (wait < 0 || wait > 20)) {
    throw invalidParameterValue(
      `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
    );
  }
  const visibility = read.integer('VisibilityTimeout');
  if (visibility !== undefined && (visibility < 0 || visibility > 43200)) {
    throw invalidParameterValue(
      `Value ${visibility} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
    );
  }
  const wantSystem = nameFilter([
    ...read.stringList('AttributeNames'),
    ...read.stringList('MessageSystemAttributeNames'),
  ]);
  const wantUser = nameFilter(read.stringList('MessageAttributeNames'));
  // Long polling returns at once: an empty answer is what a long poll that times out gives, and the local cloud's
  // consumers are pushed to, not polled.
  const messages = receiveMessages(core, queue, max, visibility);
  if (messages.length === 0) return {};
  return {
    Messages: messages.map((m) => {
      const attributes = systemAttributes(m, wantSystem);
      const user: Record<string, MessageAttribute> = Object.fromEntries(
        Object.entries(m.messageAttributes).filter(([name]) => wantUser(name)),
      );
      const md5OfUser = md5OfMessageAttributes(user);
      return {
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: m.md5OfBody,
        Body: m.body,
        ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
        ...(md5OfUser ? { MD5OfMessageAttributes: md5OfUser, MessageAttributes: user } : {}),
      };
    }),
  };
};

const remove = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  deleteMessage(core, queue, read.required('ReceiptHandle'));
  return {};
};

const removeBatch = batch((queue, entry, core) => {
  deleteMessage(core, queue, entry.required('ReceiptHandle'));
  return {};
});

const changeMessageVisibility = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  const seconds = read.integer('VisibilityTimeout');
  if (seconds === undefined) throw invalidParameterValue('The request must contain the parameter VisibilityTimeout.');
  changeVisibility(core, queue, read.required('ReceiptHandle'), seconds);
  return {};
};

const purge = (core: Core, read: Reader) => {
  const url = read.required('QueueUrl');
  const queue = queueByUrl(core, url);
  const at = nowMs(core);
  if (queue.lastPurgeAt !== undefined && at - queue.lastPurgeAt < PURGE_INTERVAL_MS) throw purgeQueueInProgress(url);
  queue.lastPurgeAt = at;
  purgeMessages(core, queue);
  core.changes.queue(queue);
  return {};
};

const listQueues = (core: Core, read: Reader) => {
  const prefix = read.string('QueueNamePrefix') ?? '';
  const maxResults = read.integer('MaxResults');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 1000)) {
    throw invalidParameterValue(
      `Value ${maxResults} for parameter MaxResults is invalid. Reason: Must be between 1 and 1000.`,
    );
  }
  const names = Object.keys(core.state.queues)
    .filter((n) => n.startsWith(prefix))
    .sort();
  const token = read.string('NextToken');
  const start = token ? names.findIndex((n) => n > Buffer.from(token, 'base64url').toString('utf8')) : 0;
  const from = start < 0 ? names.length : start;
  // Without MaxResults SQS returns up to 1000 and no token.
  const page = names.slice(from, from + (maxResults ?? 1000));
  const last = page.at(-1);
  const more = maxResults !== undefined && last !== undefined && from + page.length < names.length;
  return {
    ...(page.length > 0 ? { QueueUrls: page.map((n) => queueUrl(core, n)) } : {}),
    ...(more ? { NextToken: Buffer.from(last, 'utf8').toString('base64url') } : {}),
  };
};

const deleteQueue = (core: Core, read: Reader) => {
  const queue = queueByUrl(core, read.required('QueueUrl'));
  delete core.state.queues[queue.name];
  core.changes.queueRemoved(queue.name);
  return {};
};

const OPERATIONS = {
  ChangeMessageVisibility: changeMessageVisibility,
  CreateQueue: createQueue,
  DeleteMessage: remove,
  DeleteMessageBatch: removeBatch,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  PurgeQueue: purge,
  ReceiveMessage: receive,
  SendMessage: send,
  SendMessageBatch: sendBatch,
  SetQueueAttributes: setQueueAttributes,
} as const satisfies Record<string, (core: Core, read: Reader) => unknown>;

export { OPERATIONS };

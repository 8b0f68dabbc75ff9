// Queue lifecycle and attributes: names, defaults, validation of settable attributes, the computed ones, and lookup by
// URL. Lookup uses the URL's last path segment only, so a URL stays valid whatever host or port the endpoint has.
import { type Core, nowMs, queueArn } from './core.ts';
import {
  invalidAttributeName,
  invalidAttributeValue,
  invalidParameterValue,
  queueDoesNotExist,
  queueNameExists,
  unsupportedOperation,
} from './errors.ts';
import type { QueueRecord } from './state.ts';
import { createMessageTable } from './table.ts';

const DEFAULTS = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
} as const;

const INTEGER_RANGES = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 262144],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
} as const satisfies Record<string, readonly [number, number]>;

const FREE_FORM = ['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'SqsManagedSseEnabled'] as const;

const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

const SETTABLE: readonly string[] = [...Object.keys(INTEGER_RANGES), ...FREE_FORM, 'RedrivePolicy'];
const READABLE: readonly string[] = [...SETTABLE, ...COMPUTED];

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

const nameFromArn = (arn: string) => arn.split(':').at(-1) ?? '';

const parseRedrivePolicy = (raw: string | undefined): RedrivePolicy | undefined => {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidAttributeValue('RedrivePolicy', 'Invalid JSON.');
  }
  const policy = parsed as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  const count = Number(policy.maxReceiveCount);
  if (typeof policy.deadLetterTargetArn !== 'string' || !policy.deadLetterTargetArn.startsWith('arn:aws:sqs:')) {
    throw invalidAttributeValue('RedrivePolicy', 'Invalid value for deadLetterTargetArn.');
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidAttributeValue('RedrivePolicy', 'Invalid value for maxReceiveCount.');
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: count };
};

/** Validates attributes to set; returns them in wire form. */
const validateAttributes = (core: Core, attributes: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
      // FIFO ordering and deduplication are not emulated; failing loudly beats silently acting as a standard queue.
      if (value === 'true') throw unsupportedOperation('FIFO queues are not supported by the local cloud.');
      continue;
    }
    if (!SETTABLE.includes(name)) throw invalidAttributeName(name);
    const range = (INTEGER_RANGES as Record<string, readonly [number, number] | undefined>)[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) throw invalidAttributeValue(name);
    }
    if (name === 'RedrivePolicy') {
      const policy = parseRedrivePolicy(value);
      if (policy && !core.state.queues[nameFromArn(policy.deadLetterTargetArn)]) {
        throw invalidParameterValue(
          `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
        );
      }
    }
    out[name] = value;
  }
  return out;
};

const settableValue = (queue: QueueRecord, name: string) => queue.attributes[name];

const queueNameFromUrl = (url: string) => url.split('/').filter(Boolean).at(-1) ?? '';

const findQueue = (core: Core, name: string): QueueRecord => {
  const queue = Object.hasOwn(core.state.queues, name) ? core.state.queues[name] : undefined;
  if (!queue) throw queueDoesNotExist();
  return queue;
};

const queueByUrl = (core: Core, url: string) => findQueue(core, queueNameFromUrl(url));

/** Idempotent like SQS: the same name with the same attributes returns the existing queue. */
const createQueueRecord = (core: Core, name: string, attributes: Readonly<Record<string, string>>): QueueRecord => {
  if (name.endsWith('.fifo')) throw unsupportedOperation('FIFO queues are not supported by the local cloud.');
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  const wanted = validateAttributes(core, attributes);
  const existing = core.state.queues[name];
  if (existing) {
    for (const [key, value] of Object.entries(wanted)) {
      if (settableValue(existing, key) !== value) throw queueNameExists(key);
    }
    return existing;
  }
  const at = nowMs(core);
  const queue: QueueRecord = {
    name,
    attributes: { ...DEFAULTS, ...wanted },
    createdAt: at,
    modifiedAt: at,
    messages: createMessageTable(),
  };
  core.state.queues[name] = queue;
  core.changes.queue(queue);
  return queue;
};

const intAttribute = (queue: QueueRecord, name: keyof typeof DEFAULTS) =>
  Number(queue.attributes[name] ?? DEFAULTS[name]);

const redrivePolicyOf = (queue: QueueRecord) => parseRedrivePolicy(queue.attributes.RedrivePolicy);

interface MessageCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

const readAttributes = (
  core: Core,
  queue: QueueRecord,
  names: readonly string[],
  counts: MessageCounts,
): Record<string, string> => {
  const wanted = names.includes('All') ? READABLE : names;
  const computed: Record<string, string> = {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
    QueueArn: queueArn(core, queue.name),
  };
  const out: Record<string, string> = {};
  for (const name of wanted) {
    if (!READABLE.includes(name)) throw invalidAttributeName(name);
    const value = computed[name] ?? queue.attributes[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
};

export type { MessageCounts, RedrivePolicy };
export {
  createQueueRecord,
  findQueue,
  intAttribute,
  nameFromArn,
  queueByUrl,
  queueNameFromUrl,
  readAttributes,
  redrivePolicyOf,
  validateAttributes,
};

// The SQS emulator's state: plain JSON, so snapshot/restore is a deep copy and the data directory can hold it.

/** A message attribute as the JSON protocol carries it: BinaryValue is base64. */
interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Record<string, MessageAttribute>;
  readonly senderId: string;
  /** Epoch ms; kept when the message moves to a dead-letter queue, as SQS keeps the original enqueue time. */
  readonly sentAt: number;
  /** Epoch ms from which a receive may return the message (delay, then visibility timeouts). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The latest receipt handle; any handle naming this message deletes it, as on a standard queue. */
  receiptHandle?: string;
  deadLetterQueueSourceArn?: string;
}

interface QueueRecord {
  readonly name: string;
  /** Settable attributes only, as strings (the wire form); computed ones are derived on read. */
  attributes: Record<string, string>;
  readonly createdAt: number;
  modifiedAt: number;
  lastPurgeAt?: number;
  /** In send order: standard queues give best-effort ordering, which this makes exact. */
  messages: StoredMessage[];
}

interface SqsState {
  readonly format: 1;
  queues: Record<string, QueueRecord>;
}

const createState = (): SqsState => ({ format: 1, queues: {} });

const isState = (value: unknown): value is SqsState =>
  typeof value === 'object' &&
  value !== null &&
  (value as { format?: unknown }).format === 1 &&
  typeof (value as { queues?: unknown }).queues === 'object';

export type { MessageAttribute, QueueRecord, SqsState, StoredMessage };
export { createState, isState };

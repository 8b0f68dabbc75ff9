// The SQS emulator's state: queues (plain JSON but for their messages, a table of their own: table.ts), and the
// snapshot form, all plain JSON, that snapshot/restore and an older version's state.json use.
import type { MessageTable } from './table.ts';

/** A message attribute as the JSON protocol carries it: BinaryValue is base64. */
interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** A message as plain JSON: the store's row, a snapshot's entry. */
interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  /** Absent until something needed it (rows written at send time by the bus's deliveries): computed on read. */
  readonly md5OfBody?: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly senderId: string;
  /** Epoch ms; kept when the message moves to a dead-letter queue, as SQS keeps the original enqueue time. */
  readonly sentAt: number;
  /** Epoch ms from which a receive may return the message (delay, then visibility timeouts). */
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceiveAt?: number;
  /** The latest receipt handle; any handle naming this message deletes it, as on a standard queue. */
  readonly receiptHandle?: string;
  readonly deadLetterQueueSourceArn?: string;
}

interface QueueFields {
  readonly name: string;
  /** Settable attributes only, as strings (the wire form); computed ones are derived on read. */
  attributes: Record<string, string>;
  readonly createdAt: number;
  modifiedAt: number;
  lastPurgeAt?: number;
}

interface QueueRecord extends QueueFields {
  /** Receivable in send order: standard queues give best-effort ordering, which this makes exact. */
  readonly messages: MessageTable;
}

interface SqsState {
  readonly format: 1;
  queues: Record<string, QueueRecord>;
}

/** What snapshot() gives and restore() takes: every queue with its messages in send order, plain JSON. */
interface SqsSnapshot {
  readonly format: 1;
  readonly queues: Record<string, QueueFields & { readonly messages: readonly StoredMessage[] }>;
}

const createState = (): SqsState => ({ format: 1, queues: {} });

const isSnapshot = (value: unknown): value is SqsSnapshot =>
  typeof value === 'object' &&
  value !== null &&
  (value as { format?: unknown }).format === 1 &&
  typeof (value as { queues?: unknown }).queues === 'object';

export type { MessageAttribute, QueueFields, QueueRecord, SqsSnapshot, SqsState, StoredMessage };
export { createState, isSnapshot };

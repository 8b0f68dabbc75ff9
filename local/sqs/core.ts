// What every SQS operation shares: the state, the injected clock, where queue URLs point, and a way to tell the
// event source mappings that a queue may have messages ready.
import { createState, type QueueRecord, type SqsState } from './state.ts';

/**
 * Every change to queues and messages, as it happens: the local cloud's store writes them through (persist.ts).
 * Messages are named by their slot in the queue's table (read what is needed from there) or, once gone, by their id.
 */
interface SqsChanges {
  queue(queue: QueueRecord): void;
  queueRemoved(name: string): void;
  /** A message joined the queue (sent, or moved there as a dead letter). */
  sent(queue: QueueRecord, slot: number): void;
  /** A message's receive state changed (received, visibility changed). */
  delivered(queue: QueueRecord, slot: number): void;
  removed(queue: QueueRecord, messageIds: readonly string[]): void;
}

const ignoreChanges: SqsChanges = {
  queue: () => {},
  queueRemoved: () => {},
  sent: () => {},
  delivered: () => {},
  removed: () => {},
};

interface Core {
  state: SqsState;
  readonly now: () => Date;
  readonly region: string;
  readonly account: string;
  /** The endpoint's origin, e.g. `http://127.0.0.1:4566`: the SDK sends queue calls to the queue URL's origin. */
  readonly baseUrl: () => string;
  /** Called whenever messages may have become receivable in `queueName`. */
  readonly notify: (queueName: string) => void;
  changes: SqsChanges;
  /** The last message's place in send order, across queues and restarts (a dead letter takes a new one). */
  seq: number;
}

interface CoreOptions {
  readonly now: () => Date;
  readonly region: string;
  readonly account: string;
  readonly baseUrl: () => string;
  readonly notify: (queueName: string) => void;
}

const createCore = (options: CoreOptions): Core => ({
  state: createState(),
  changes: ignoreChanges,
  seq: 0,
  ...options,
});

const nextSeq = (core: Core) => ++core.seq;

const nowMs = (core: Core) => core.now().getTime();

const queueArn = (core: Core, name: string) => `arn:aws:sqs:${core.region}:${core.account}:${name}`;

const queueUrl = (core: Core, name: string) => `${core.baseUrl().replace(/\/+$/, '')}/${core.account}/${name}`;

export type { Core, CoreOptions, SqsChanges };
export { createCore, nextSeq, nowMs, queueArn, queueUrl };

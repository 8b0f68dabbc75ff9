// What every SQS operation shares: the state, the injected clock, where queue URLs point, and a way to tell the
// event source mappings that a queue may have messages ready.
import { createState, type QueueRecord, type SqsState, type StoredMessage } from './state.ts';

/** Every change to queues and messages, as it happens: the local cloud's store writes them through (persist.ts). */
interface SqsChanges {
  queue(queue: QueueRecord): void;
  queueRemoved(name: string): void;
  /** A message joined the queue (sent, or moved there as a dead letter). */
  sent(queue: QueueRecord, message: StoredMessage): void;
  /** A message's receive state changed (received, visibility changed). */
  delivered(queue: QueueRecord, message: StoredMessage): void;
  removed(queue: QueueRecord, messages: readonly StoredMessage[]): void;
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
}

interface CoreOptions {
  readonly now: () => Date;
  readonly region: string;
  readonly account: string;
  readonly baseUrl: () => string;
  readonly notify: (queueName: string) => void;
}

const createCore = (options: CoreOptions): Core => ({ state: createState(), changes: ignoreChanges, ...options });

const nowMs = (core: Core) => core.now().getTime();

const queueArn = (core: Core, name: string) => `arn:aws:sqs:${core.region}:${core.account}:${name}`;

const queueUrl = (core: Core, name: string) => `${core.baseUrl().replace(/\/+$/, '')}/${core.account}/${name}`;

export type { Core, CoreOptions, SqsChanges };
export { createCore, nowMs, queueArn, queueUrl };

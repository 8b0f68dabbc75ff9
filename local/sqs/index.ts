// The SQS emulator of the local cloud: a JsonService (AWS JSON 1.0, as SDK v3 speaks it) for local/server.ts, plus
// event source mappings that push batches to Lambda handlers, drain() to wait for them, and snapshot/restore.
import { DEFAULT_REGION, type JsonService, LOCAL_ACCOUNT, type OperationHandler } from '../protocol.ts';
import type { Store } from '../store/index.ts';
import { type Clock, type Consumer, type ConsumerOptions, createConsumer } from './consumer.ts';
import { type Core, createCore, nextSeq, nowMs, queueArn, queueUrl } from './core.ts';
import { errors } from './errors.ts';
import { createReader } from './input.ts';
import { sendMessage } from './messages.ts';
import { OPERATIONS } from './operations.ts';
import { createSqsPersistence, type SqsPersistence } from './persist.ts';
import { createQueueRecord, findQueue } from './queues.ts';
import { isSnapshot, type MessageAttribute, type SqsSnapshot, type SqsState } from './state.ts';
import { createMessageTable } from './table.ts';

interface SqsOptions {
  readonly now: () => Date;
  readonly clock: Clock;
  readonly region?: string;
  readonly account?: string;
  /** The endpoint's origin for queue URLs; the SDK sends queue calls there. Defaults to the local cloud's. */
  readonly baseUrl?: () => string;
  /** Where consumer failures are reported; console.error by default. */
  readonly log?: (line: string) => void;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:4566';

/** Every queue and message as plain JSON, messages in send order (their MD5s computed, as a snapshot is whole). */
const snapshotOf = (state: SqsState): SqsSnapshot => ({
  format: 1,
  queues: Object.fromEntries(
    Object.entries(state.queues).map(([name, { messages, ...queue }]) => [
      name,
      structuredClone({
        ...queue,
        messages: messages.slots().map((slot) => ({ ...messages.stored(slot), md5OfBody: messages.md5(slot) })),
      }),
    ]),
  ),
});

/** The state a snapshot describes: each queue's messages added in the snapshot's order, a new place in send order each. */
const stateOf = (core: Core, snapshot: SqsSnapshot): SqsState => {
  const now = nowMs(core);
  const { queues } = structuredClone(snapshot);
  return {
    format: 1,
    queues: Object.fromEntries(
      Object.entries(queues).map(([name, { messages, ...queue }]) => {
        const table = createMessageTable();
        for (const message of messages) table.add(message, nextSeq(core), now);
        return [name, { ...queue, messages: table }];
      }),
    ),
  };
};

const createSqs = (options: SqsOptions) => {
  const consumers: Consumer[] = [];
  let draining = 0;
  const core = createCore({
    now: options.now,
    region: options.region ?? DEFAULT_REGION,
    account: options.account ?? LOCAL_ACCOUNT,
    baseUrl: options.baseUrl ?? (() => DEFAULT_BASE_URL),
    notify: (queueName) => {
      for (const c of consumers) if (c.queueName === queueName) c.wake();
    },
  });
  const log = options.log ?? ((line: string) => console.error(line));
  // Set by attachStore(): from then on every change is written through before the operation answers.
  let persistence: SqsPersistence | undefined;

  const operation =
    (run: (typeof OPERATIONS)[keyof typeof OPERATIONS]): OperationHandler =>
    (input) => {
      if (!persistence) return run(core, createReader(input));
      persistence.beginCall();
      let output: unknown;
      try {
        output = run(core, createReader(input));
      } catch (error) {
        const durable = persistence.endCall();
        if (!durable) throw error;
        return durable.then(() => {
          throw error;
        });
      }
      const durable = persistence.endCall();
      return durable ? durable.then(() => output) : output;
    };

  const service: JsonService = {
    targetPrefix: 'AmazonSQS',
    signingName: 'sqs',
    contentType: 'application/x-amz-json-1.0',
    errors,
    operations: Object.fromEntries(
      Object.entries(OPERATIONS).map(([name, run]): [string, OperationHandler] => [name, operation(run)]),
    ),
  };

  const describe = (name: string) => ({ url: queueUrl(core, name), arn: queueArn(core, name) });

  return {
    service,
    /** Idempotent, like CreateQueue; attributes in wire form (`{ VisibilityTimeout: '30', RedrivePolicy: '{…}' }`). */
    createQueue: (name: string, attributes: Readonly<Record<string, string>> = {}): { url: string; arn: string } =>
      describe(createQueueRecord(core, name, attributes).name),
    /** For the local bus (a queue as a rule target): what SendMessage does, without the HTTP round trip. */
    sendMessage: (
      queueName: string,
      body: string,
      extra: { messageAttributes?: Record<string, MessageAttribute>; delaySeconds?: number } = {},
    ): { messageId: string } => ({
      messageId: sendMessage(core, findQueue(core, queueName), { body, ...extra }).messageId,
    }),
    /** An event source mapping from an existing queue to `options.handler`; detach() stops it. */
    attachConsumer: (queueName: string, consumerOptions: ConsumerOptions): { detach(): void } => {
      findQueue(core, queueName);
      const consumer = createConsumer({
        core,
        clock: options.clock,
        queueName,
        options: consumerOptions,
        log,
        flushing: () => draining > 0,
      });
      consumers.push(consumer);
      consumer.wake();
      return {
        detach: () => {
          consumer.detach();
          consumers.splice(consumers.indexOf(consumer), 1);
        },
      };
    },
    /**
     * Resolves when no consumer has a batch in flight or messages ready. Batching windows are cut short while it
     * waits; messages hidden by a visibility timeout or delay are not waited for (advance the clock for those).
     */
    drain: async (): Promise<void> => {
      draining += 1;
      try {
        for (;;) {
          for (const c of consumers) c.wake();
          await Promise.all(consumers.map((c) => c.idle()));
          if (consumers.every((c) => !c.busy() && c.readyCount() === 0)) return;
        }
      } finally {
        draining -= 1;
      }
    },
    /** A deep copy of every queue and message, plain JSON. */
    snapshot: (): unknown => snapshotOf(core.state),
    restore: (snapshot: unknown): void => {
      if (!isSnapshot(snapshot)) throw new Error('Not an SQS emulator snapshot');
      core.state = stateOf(core, snapshot);
      void persistence?.rewrite();
      for (const c of consumers) c.wake();
    },
    /**
     * Restores the queues the store holds from the last run over those created so far (the stack's), and writes
     * every change through to it from now on. Returns the promise of the current state being on disk.
     */
    attachStore: (store: Store): Promise<void> | undefined => {
      persistence = createSqsPersistence(core, store);
      const saved = persistence.load() ?? {};
      core.state.queues = { ...core.state.queues, ...saved };
      core.changes = persistence.changes;
      const durable = persistence.adopt(new Set(Object.keys(saved)));
      for (const c of consumers) c.wake();
      return durable;
    },
  };
};

type SqsEmulator = ReturnType<typeof createSqs>;

export type { BatchResponse, Clock, ConsumerHandler, ConsumerOptions } from './consumer.ts';
export type { MessageAttribute } from './state.ts';
export type { SqsEmulator, SqsOptions };
export { createSqs };

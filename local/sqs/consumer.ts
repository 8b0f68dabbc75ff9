// An event source mapping: pushes a queue's messages to a handler in batches, like Lambda's SQS poller. One batch is
// in flight at a time per consumer (deterministic for tests; Lambda would scale pollers out). The batching window
// and visibility timeouts wait on the injected clock, so tests advance time instead of sleeping.
//
// A batch of thousands is received and built a slice at a time, the event loop turning between slices: done at once,
// receiving 5,000 messages (each a new receipt handle and a row for the store) held up every request the endpoint
// was answering for tens of milliseconds.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type Core, nowMs, queueArn } from './core.ts';
import { toRecord } from './event.ts';
import { deleteMessages, readyCount as readyOn, receiveMessages } from './messages.ts';
import type { ReceivedMessage } from './table.ts';

interface Clock {
  sleep(ms: number): Promise<void>;
}

interface BatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

// biome-ignore lint/suspicious/noConfusingVoidType: a Lambda handler that returns nothing is `async () => {}`, typed void.
type ConsumerHandler = (event: SQSEvent) => Promise<BatchResponse | void>;

interface ConsumerOptions {
  /** Records per invocation at most (Lambda: 1–10, up to 10,000 with a batching window). */
  readonly batchSize: number;
  /** How long to gather records before invoking with fewer than batchSize (Lambda: 0–300 s). */
  readonly maximumBatchingWindowMs: number;
  readonly handler: ConsumerHandler;
  /** Lambda's FunctionResponseTypes: ['ReportBatchItemFailures']; on by default, as our functions use it. */
  readonly reportBatchItemFailures?: boolean;
}

interface ConsumerDeps {
  readonly core: Core;
  readonly clock: Clock;
  readonly queueName: string;
  readonly options: ConsumerOptions;
  readonly log: (line: string) => void;
  /** True while someone drains: the batching window is cut short, as no more messages are coming. */
  readonly flushing: () => boolean;
}

// Messages received (and records built) per turn of the event loop.
const SLICE = 250;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const validate = (options: ConsumerOptions) => {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 10_000) {
    throw new Error(`batchSize must be an integer from 1 to 10000, got ${options.batchSize}`);
  }
  if (options.batchSize > 10 && options.maximumBatchingWindowMs <= 0) {
    throw new Error('A batchSize above 10 needs a maximumBatchingWindowMs, as Lambda requires');
  }
  if (options.maximumBatchingWindowMs < 0 || options.maximumBatchingWindowMs > 300_000) {
    throw new Error(`maximumBatchingWindowMs must be from 0 to 300000, got ${options.maximumBatchingWindowMs}`);
  }
};

/** The message ids to keep on the queue; Lambda fails the whole batch when a reported id is not in it. */
const failedIds = (response: unknown, batch: readonly ReceivedMessage[], report: boolean): Set<string> => {
  const all = new Set(batch.map((m) => m.messageId));
  if (!report || response === undefined || response === null) return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = failures.map((f) => (f as { itemIdentifier?: unknown } | null)?.itemIdentifier);
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
};

const createConsumer = (deps: ConsumerDeps) => {
  const { core, clock, queueName, options, log } = deps;
  validate(options);
  const report = options.reportBatchItemFailures ?? true;
  let running = false;
  let detached = false;
  let inFlight = 0;
  let releaseWindow: (() => void) | undefined;
  let wakeAt: number | undefined;
  const idleWaiters: (() => void)[] = [];

  const queue = () => (Object.hasOwn(core.state.queues, queueName) ? core.state.queues[queueName] : undefined);

  const readyCount = () => {
    const q = queue();
    if (!q || detached) return 0;
    return readyOn(core, q);
  };

  const waitWindow = () =>
    new Promise<void>((resolve) => {
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        releaseWindow = undefined;
        resolve();
      };
      releaseWindow = release;
      void clock.sleep(options.maximumBatchingWindowMs).then(release);
    });

  /** Up to batchSize messages, received a slice per turn, with their records; undefined once detached midway. */
  const receiveBatch = async (): Promise<{ batch: ReceivedMessage[]; records: SQSRecord[] } | undefined> => {
    const arn = queueArn(core, queueName);
    const batch: ReceivedMessage[] = [];
    const records: SQSRecord[] = [];
    for (;;) {
      const q = queue();
      // Detached or deleted midway: what was received reappears after its visibility timeout, as a failed batch's.
      if (!q || detached) return undefined;
      const slice = receiveMessages(core, q, Math.min(SLICE, options.batchSize - batch.length));
      for (const message of slice) {
        batch.push(message);
        records.push(toRecord(message, arn, core.region));
      }
      if (slice.length === 0 || batch.length >= options.batchSize) return { batch, records };
      await nextTurn();
    }
  };

  const invoke = async (batch: ReceivedMessage[], records: SQSRecord[]) => {
    const event: SQSEvent = { Records: records };
    let keep: Set<string>;
    inFlight += 1;
    try {
      keep = failedIds(await options.handler(event), batch, report);
      if (keep.size > 0)
        log(
          `[sqs] ${queueName}: ${keep.size} of ${batch.length} records failed and return after the visibility timeout`,
        );
    } catch (error) {
      keep = new Set(batch.map((m) => m.messageId));
      log(`[sqs] ${queueName}: handler failed for a batch of ${batch.length}: ${(error as Error)?.message ?? error}`);
    } finally {
      inFlight -= 1;
    }
    // Failed records stay in flight: they reappear when their visibility timeout ends, as with Lambda.
    const done = batch.map((m) => m.messageId).filter((id) => !keep.has(id));
    // A slice per turn, as they were received (each a row or two for the store).
    for (let from = 0; from < done.length; from += SLICE) {
      if (from > 0) await nextTurn();
      const q = queue();
      if (!q) return;
      deleteMessages(core, q, done.slice(from, from + SLICE));
    }
  };

  /** Wakes the consumer when the next hidden message (failed, delayed) becomes visible on the clock. */
  const scheduleWake = () => {
    const q = queue();
    if (!q || detached) return;
    const at = nowMs(core);
    q.messages.promote(at);
    const next = q.messages.nextVisibleAt();
    if (!Number.isFinite(next) || (wakeAt !== undefined && wakeAt <= next)) return;
    wakeAt = next;
    void clock.sleep(next - at).then(() => {
      if (wakeAt === next) wakeAt = undefined;
      wake();
    });
  };

  const loop = async () => {
    try {
      while (!detached) {
        const ready = readyCount();
        if (ready === 0) break;
        if (ready < options.batchSize && options.maximumBatchingWindowMs > 0 && !deps.flushing()) await waitWindow();
        if (!queue() || detached) break;
        const received = await receiveBatch();
        if (received && received.batch.length > 0) await invoke(received.batch, received.records);
      }
    } catch (error) {
      log(`[sqs] ${queueName}: consumer stopped on an internal error: ${(error as Error)?.message ?? error}`);
    } finally {
      running = false;
      scheduleWake();
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  };

  function wake() {
    if (detached) return;
    if (running) {
      if (releaseWindow && (deps.flushing() || readyCount() >= options.batchSize)) releaseWindow();
      return;
    }
    running = true;
    // Deferred: a SendMessage answers before its message is delivered, as in AWS.
    queueMicrotask(() => void loop());
  }

  return {
    queueName,
    wake,
    readyCount,
    busy: () => running || inFlight > 0,
    idle: (): Promise<void> =>
      running ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve(),
    detach: () => {
      detached = true;
      releaseWindow?.();
    },
  };
};

type Consumer = ReturnType<typeof createConsumer>;

export type { BatchResponse, Clock, Consumer, ConsumerHandler, ConsumerOptions };
export { createConsumer };

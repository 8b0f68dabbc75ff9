// The endpoint's side of the handlers' thread (worker.ts): posts each invocation as JSON and resolves with its answer.
// An invocation fails as a Lambda error, and never hangs, when its function's timeout passes (`Sandbox.Timedout`),
// when the thread dies (`Runtime.ExitError`; the next invocation starts a fresh thread, as Lambda starts a fresh
// sandbox) or when the local cloud closes the thread with the invocation still running.
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from './handlers.ts';
import type { LineSink } from './output.ts';
import { type FromWorker, fromWire, type ToWorker } from './thread-messages.ts';

interface HandlerThreadOptions {
  readonly root: string;
  /** The handlers' process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the functions' output goes, line by line; without it the thread prints it (to this process's stdout). */
  readonly logs?: LineSink | undefined;
}

interface Pending {
  readonly requestId: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

// Nice 10: below the endpoint's 0, so the endpoint's thread gets the CPU first when both want it.
const NICE = 10;
// Records per message when a batch crosses in slices.
const SLICE = 250;

const lambdaError = (name: string, message: string) => Object.assign(new Error(message), { name });

const createHandlerThread = ({ root, env, logs }: HandlerThreadOptions) => {
  let worker: Worker | undefined;
  let closed = false;
  let sequence = 0;
  const pending = new Map<number, Pending>();

  const failAll = (why: string) => {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(lambdaError('Runtime.ExitError', `RequestId: ${p.requestId} Error: ${why}`));
  };

  const onMessage = (message: FromWorker) => {
    if (message.type === 'lines') {
      if (logs) for (const [functionName, line] of message.lines) logs(functionName, line);
      return;
    }
    const waiting = pending.get(message.id);
    if (!waiting) return; // Timed out already.
    pending.delete(message.id);
    if (message.type === 'done') waiting.resolve(JSON.parse(message.result));
    else waiting.reject(fromWire(message.error));
  };

  const start = (): Worker => {
    const started = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: { root, nice: NICE },
      env: { ...env },
    });
    // The endpoint keeps the process alive; this thread alone must not.
    started.unref();
    started.on('message', onMessage);
    let crash: Error | undefined;
    started.on('error', (error) => {
      crash = error;
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      if (closed) return;
      failAll(
        `Runtime exited with error: ${crash ? `${crash.name} (uncaught)` : `exit status ${code}`}; the next invocation starts a new one`,
      );
    });
    return started;
  };

  const post = (
    build: (id: number) => ToWorker,
    requestId: string,
    timeoutMs: number,
    ahead?: readonly unknown[],
  ): Promise<unknown> => {
    if (closed)
      return Promise.reject(lambdaError('Runtime.ExitError', `RequestId: ${requestId} Error: the local cloud stopped`));
    worker ??= start();
    const id = ++sequence;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const timer = setTimeout(() => {
      if (!pending.delete(id)) return;
      reject(
        lambdaError(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        ),
      );
    }, timeoutMs);
    timer.unref();
    const settled =
      <T>(then: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer);
        then(value);
      };
    pending.set(id, { requestId, resolve: settled(resolve), reject: settled(reject) });
    if (ahead === undefined) worker.postMessage(build(id));
    else void sendAhead(id, ahead, build);
    return promise;
  };

  /** The records a slice per turn, then the invocation; stops if it ended meanwhile (timed out, thread gone). */
  const sendAhead = async (id: number, records: readonly unknown[], build: (id: number) => ToWorker) => {
    const target = worker;
    if (!target) return;
    for (let from = 0; from < records.length; from += SLICE) {
      if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (worker !== target) return;
      if (!pending.has(id)) {
        target.postMessage({ type: 'forget', id } satisfies ToWorker);
        return;
      }
      target.postMessage({ type: 'records', id, records: records.slice(from, from + SLICE) } satisfies ToWorker);
    }
    if (worker === target)
      target.postMessage(pending.has(id) ? build(id) : ({ type: 'forget', id } satisfies ToWorker));
  };

  return {
    /** Loads the function's module in the thread. */
    load: async (fn: FunctionSpec): Promise<void> => {
      // Loading is not an invocation; the bound only keeps a broken import from waiting forever.
      await post((id) => ({ type: 'load', id, fn: specOf(fn) }), 'preload', 120_000);
    },
    /**
     * Runs the function with `event` (JSON text); resolves with its result, parsed. With `records`, the event's
     * Records (left out of `event`) cross ahead of it a slice per turn.
     */
    run: (
      fn: FunctionSpec,
      requestId: string,
      deadline: number,
      event: string,
      records?: readonly unknown[],
    ): Promise<unknown> =>
      post(
        (id) => ({
          type: 'invoke',
          id,
          fn: specOf(fn),
          requestId,
          deadline,
          event,
          sliced: records !== undefined,
          capture: logs !== undefined,
        }),
        requestId,
        Math.max(0, deadline - Date.now()),
        records,
      ),
    /** Stops the thread; what is still running fails as a Lambda error. */
    close: async (): Promise<void> => {
      if (closed) return;
      closed = true;
      failAll('Runtime exited: the local cloud stopped with the invocation still running');
      await worker?.terminate();
      worker = undefined;
    },
  };
};

/** Only what the thread needs: a LocalFunction may carry more than structured clone should copy. */
const specOf = ({ key, name, arn, handler, timeoutSeconds }: FunctionSpec): FunctionSpec => ({
  key,
  name,
  arn,
  handler,
  timeoutSeconds,
});

type HandlerThread = ReturnType<typeof createHandlerThread>;

export type { HandlerThread };
export { createHandlerThread };

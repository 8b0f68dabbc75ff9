// Runs the project's Lambda handlers, unmodified: the module and export named by serverless.yml's `handler`, an event
// that went through JSON as Lambda's does, and a Context object. Hooks (for tests) wrap every invocation, whoever
// makes it: a state machine task, a rule target, a queue's event source mapping, the Invoke API.
//
// Two places to run them (`thread`): `inline`, in this process on this thread (the test suite's clouds, whose tests
// hook and observe the handlers in process), or `worker`, on a thread of their own (worker.ts, as `smcp local` runs):
// there a handler's synchronous work does not hold up the endpoint's requests. Either way hooks run here, around the
// invocation, and the function's output reaches the same LineSink attributed to it.
import { randomUUID } from 'node:crypto';
import { contextFor, createHandlerLoader, type FunctionSpec } from './handlers.ts';
import { type LineSink, withOutputTo } from './output.ts';
import { createHandlerThread } from './thread.ts';

type LocalFunction = FunctionSpec;

/** Runs the invocation (the next hook, then the handler) with this event. */
type Next = (event: unknown) => Promise<unknown>;

/**
 * Wraps each invocation: `name` is the function's deployed name (`smcp-local-dispatch`), `event` what its handler would
 * receive. Call `next(event)` to go on (with the event or another one), or answer or throw instead: a thrown error
 * fails the invocation as the handler's own error would.
 */
type InvocationHook = (name: string, event: unknown, next: Next) => Promise<unknown>;

interface InvocationRecord {
  readonly functionName: string;
  readonly requestId: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** `inline`: on the calling thread; `worker`: on a thread of the handlers' own. */
type LambdaThread = 'inline' | 'worker';

class FunctionNotFoundError extends Error {
  constructor(ref: string) {
    super(`Function not found: ${ref}`);
    this.name = 'ResourceNotFoundException';
  }
}

// A fresh payload with more Records than this crosses to the handlers' thread a slice at a time (thread.ts).
const SLICED_BATCH = 250;

/** A JSON copy: Lambda's boundary, so no shared references leak across it. */
const copy = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value) ?? 'null'));

const createLambdaRuntime = ({
  root,
  functions,
  onInvocation,
  logs,
  thread = 'inline',
  environment = {},
}: {
  root: string;
  functions: readonly LocalFunction[];
  onInvocation?: (record: InvocationRecord) => void;
  /** Where each invocation's output goes, line by line (output.ts); without it, to the terminal as printed. */
  logs?: LineSink;
  thread?: LambdaThread;
  /** The handlers' environment, for the `worker` thread (inline handlers read this process's own). */
  environment?: Readonly<Record<string, string>>;
}) => {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const load = createHandlerLoader(root);
  const worker =
    thread === 'worker' ? createHandlerThread({ root, env: { ...process.env, ...environment }, logs }) : undefined;
  // Outermost first: the hook added last sees an invocation before the ones added earlier.
  let hooks: InvocationHook[] = [];
  const observers = new Set<() => void>();

  /** Accepts a name, an ARN (with or without a qualifier such as `:$LATEST`), or a partial ARN. */
  const resolve = (ref: string): LocalFunction => {
    const name = ref.startsWith('arn:') ? (ref.split(':')[6] ?? '') : (ref.split(':')[0] ?? '');
    const fn = byName.get(name);
    if (!fn) throw new FunctionNotFoundError(ref);
    return fn;
  };

  /**
   * The innermost step of an invocation: the handler itself, here or on the handlers' thread. `fresh` is the payload
   * when it was built for this invocation alone: if it reaches the handler unchanged with many Records, they cross
   * in slices.
   */
  const handlerOf = async (fn: LocalFunction, requestId: string, deadline: number, fresh: unknown): Promise<Next> => {
    if (worker) {
      return (event) => {
        const records = (event as { Records?: unknown } | null)?.Records;
        if (event === fresh && Array.isArray(records) && records.length > SLICED_BATCH) {
          const { Records: _, ...rest } = event as Record<string, unknown>;
          return worker.run(fn, requestId, deadline, JSON.stringify(rest), records);
        }
        // The JSON text is the copy across the boundary (the thread parses its own).
        return worker.run(fn, requestId, deadline, JSON.stringify(event) ?? '{}');
      };
    }
    const handler = await load(fn);
    const context = contextFor(fn, requestId, deadline);
    return (event) => handler(event, context);
  };

  /**
   * `fresh`: the payload was built for this invocation alone, of plain JSON data, and nobody keeps it (an event source
   * mapping's batch), so the copy that stands for Lambda's JSON boundary can be skipped: for a batch of thousands of
   * records it held up the endpoint for tens of milliseconds. On the handlers' thread its Records cross in slices.
   */
  const invoke = async (
    ref: string,
    payload: unknown,
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<unknown> => {
    const fn = resolve(ref);
    const requestId = randomUUID();
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const handler = await handlerOf(fn, requestId, deadline, fresh ? payload : undefined);
    const event = payload === undefined ? {} : payload;
    const hooked = hooks.length > 0;
    // Hooks see (and may keep) the event: they get a copy unless it is fresh. Without hooks the handlers' thread gets
    // the JSON text of the payload itself, a copy already.
    const first = hooked && !fresh ? copy(event) : worker || fresh ? event : copy(event);
    const chain = hooks.reduceRight<Next>((next, hook) => (e) => hook(fn.name, e, next), handler);
    try {
      const result = logs && !worker ? await withOutputTo(logs, fn.name, () => chain(first)) : await chain(first);
      onInvocation?.({ functionName: fn.name, requestId, ok: true });
      // What the handlers' thread answered was parsed from its JSON just now; a hook's answer is copied.
      return worker && !hooked ? (result ?? null) : copy(result);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      onInvocation?.({ functionName: fn.name, requestId, ok: false, error: err.name });
      throw err;
    } finally {
      for (const observer of observers) observer();
    }
  };

  /** Adds a hook around every invocation from now on; returns the function that removes it. */
  const hook = (wrap: InvocationHook): (() => void) => {
    hooks = [wrap, ...hooks];
    return () => {
      hooks = hooks.filter((h) => h !== wrap);
    };
  };

  /**
   * Calls `listener` after every invocation, however it ended; returns the function that removes it. Unlike a hook it
   * sees no event, so with no hook the payload goes to the handlers' thread without a copy on this one.
   */
  const observe = (listener: () => void): (() => void) => {
    observers.add(listener);
    return () => {
      observers.delete(listener);
    };
  };

  /**
   * Loads every function's module now (on the handlers' thread, for `worker`). Compiling a handler's modules (the SDK
   * clients among them) takes the thread for a second or more; done at the first invocation, that stalls every
   * request the endpoint is answering then.
   */
  const preload = async (): Promise<void> => {
    for (const fn of functions) await (worker ? worker.load(fn) : load(fn));
  };

  /** Stops the handlers' thread: an invocation still running there fails as a Lambda error (`Runtime.ExitError`). */
  const close = async (): Promise<void> => {
    await worker?.close();
  };

  return { invoke, hook, observe, resolve, preload, close, thread, functions: () => [...functions] };
};

type LambdaRuntime = ReturnType<typeof createLambdaRuntime>;

export type { InvocationHook, InvocationRecord, LambdaRuntime, LambdaThread, LocalFunction, Next };
export { createLambdaRuntime, FunctionNotFoundError };

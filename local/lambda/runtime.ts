// Runs the project's Lambda handlers in process, unmodified: the module and export named by serverless.yml's
// `handler`, an event that went through JSON as Lambda's does, and a Context object. Hooks (for tests) wrap every
// invocation, whoever makes it: a state machine task, a rule target, a queue's event source mapping, the Invoke API.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type LineSink, withOutputTo } from './output.ts';

interface LocalFunction {
  /** The key in serverless.yml's `functions`. */
  readonly key: string;
  /** The deployed name, e.g. `smcp-dev-dispatch`. */
  readonly name: string;
  readonly arn: string;
  /** `functions/dispatch/handlers/dispatch.handler` */
  readonly handler: string;
  readonly timeoutSeconds: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

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

class FunctionNotFoundError extends Error {
  constructor(ref: string) {
    super(`Function not found: ${ref}`);
    this.name = 'ResourceNotFoundException';
  }
}

const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.js'];

const createLambdaRuntime = ({
  root,
  functions,
  onInvocation,
  logs,
}: {
  root: string;
  functions: readonly LocalFunction[];
  onInvocation?: (record: InvocationRecord) => void;
  /** Where each invocation's output goes, line by line (output.ts); without it, to the terminal as printed. */
  logs?: LineSink;
}) => {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const loaded = new Map<string, Promise<Handler>>();
  // Outermost first: the hook added last sees an invocation before the ones added earlier.
  let hooks: InvocationHook[] = [];

  /** Accepts a name, an ARN (with or without a qualifier such as `:$LATEST`), or a partial ARN. */
  const resolve = (ref: string): LocalFunction => {
    const name = ref.startsWith('arn:') ? (ref.split(':')[6] ?? '') : (ref.split(':')[0] ?? '');
    const fn = byName.get(name);
    if (!fn) throw new FunctionNotFoundError(ref);
    return fn;
  };

  const load = (fn: LocalFunction): Promise<Handler> => {
    let handler = loaded.get(fn.name);
    if (!handler) {
      const dot = fn.handler.lastIndexOf('.');
      const base = join(root, fn.handler.slice(0, dot));
      const exportName = fn.handler.slice(dot + 1);
      const file = SOURCE_EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate));
      if (!file) throw new Error(`${fn.key}: handler module ${fn.handler.slice(0, dot)} not found`);
      handler = import(pathToFileURL(file).href).then((mod: Record<string, unknown>) => {
        const exported = mod[exportName];
        if (typeof exported !== 'function') throw new Error(`${fn.key}: ${file} does not export ${exportName}`);
        return exported as Handler;
      });
      loaded.set(fn.name, handler);
    }
    return handler;
  };

  /**
   * `fresh`: the payload was built for this invocation alone and nobody keeps it (an event source mapping's batch),
   * so the copy that stands for Lambda's JSON boundary can be skipped: for a batch of thousands of records it held up
   * the endpoint for tens of milliseconds.
   */
  const invoke = async (
    ref: string,
    payload: unknown,
    { fresh = false }: { fresh?: boolean } = {},
  ): Promise<unknown> => {
    const fn = resolve(ref);
    const handler = await load(fn);
    const requestId = randomUUID();
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '256',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `local/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    // Lambda hands the handler a fresh copy of JSON and returns JSON: no shared references leak across the boundary.
    const event = payload === undefined ? {} : fresh ? payload : JSON.parse(JSON.stringify(payload));
    const chain = hooks.reduceRight<Next>(
      (next, hook) => (e) => hook(fn.name, e, next),
      (e) => handler(e, context),
    );
    try {
      const result = logs ? await withOutputTo(logs, fn.name, () => chain(event)) : await chain(event);
      onInvocation?.({ functionName: fn.name, requestId, ok: true });
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      onInvocation?.({ functionName: fn.name, requestId, ok: false, error: err.name });
      throw err;
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
   * Loads every function's module now. Compiling a handler's modules (the SDK clients among them) takes the thread
   * for a second or more; done at the first invocation, that stalls every request the endpoint is answering then.
   */
  const preload = async (): Promise<void> => {
    for (const fn of functions) await load(fn);
  };

  return { invoke, hook, resolve, preload, functions: () => [...functions] };
};

type LambdaRuntime = ReturnType<typeof createLambdaRuntime>;

export type { InvocationHook, InvocationRecord, LambdaRuntime, LocalFunction, Next };
export { createLambdaRuntime, FunctionNotFoundError };

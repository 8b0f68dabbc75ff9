// What both ways of running a function share (runtime.ts in process, worker.ts on a thread of its own): finding the
// module and export serverless.yml's `handler` names, and the Context object Lambda passes with the event.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What it takes to load and run a function (a LocalFunction is one; this is what crosses to the worker). */
interface FunctionSpec {
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

const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.js'];

/** Loads each function's handler once (a module is compiled at its first import, as in a Lambda container). */
const createHandlerLoader = (root: string) => {
  const loaded = new Map<string, Promise<Handler>>();
  return (fn: FunctionSpec): Promise<Handler> => {
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
};

/** Lambda's Context for one invocation; `deadline` is the epoch millisecond its timeout ends at. */
const contextFor = (fn: FunctionSpec, requestId: string, deadline: number) => ({
  functionName: fn.name,
  functionVersion: '$LATEST',
  invokedFunctionArn: fn.arn,
  memoryLimitInMB: '256',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${fn.name}`,
  logStreamName: `local/${requestId}`,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
});

export type { FunctionSpec, Handler };
export { contextFor, createHandlerLoader };

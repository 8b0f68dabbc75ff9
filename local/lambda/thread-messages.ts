// What the endpoint's thread and the handlers' thread (worker.ts) say to each other. Events and results cross as JSON
// text, as they cross Lambda's boundary. A big batch built for its invocation alone (an event source mapping's
// thousands of records) crosses a slice of records per turn instead, as structured clones, which cost the endpoint's
// thread a third of what JSON text does and hold it up a fraction of a millisecond at a time. Errors cross as their name, message and stack (a structured
// clone would turn `SecretNotFoundError` into `Error`) plus their other plain fields (an SDK error's `$fault`), which
// Step Functions and the Invoke API read.
import type { FunctionSpec } from './handlers.ts';

interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

type ToWorker =
  | { readonly type: 'load'; readonly id: number; readonly fn: FunctionSpec }
  /** A slice of a big batch's Records, ahead of its invoke message (structured clone: plain JSON data only). */
  | { readonly type: 'records'; readonly id: number; readonly records: readonly unknown[] }
  /** The invocation whose records were sent ahead ended before it was sent (it timed out). */
  | { readonly type: 'forget'; readonly id: number }
  | {
      readonly type: 'invoke';
      readonly id: number;
      readonly fn: FunctionSpec;
      readonly requestId: string;
      /** When the function's timeout ends (epoch ms): the Context's getRemainingTimeInMillis counts down to it. */
      readonly deadline: number;
      /** The event as JSON; its `Records`, when sent ahead in slices, are left out. */
      readonly event: string;
      /** The Records came ahead in `records` messages. */
      readonly sliced: boolean;
      /** Send the function's output back line by line instead of printing it. */
      readonly capture: boolean;
    };

type FromWorker =
  | {
      readonly type: 'done';
      readonly id: number /** The result as JSON (`null` for undefined). */;
      readonly result: string;
    }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError }
  | { readonly type: 'lines'; readonly lines: readonly (readonly [functionName: string, line: string])[] };

const toWire = (error: unknown): WireError => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      fields[key] = value as string | number | boolean | null;
  }
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), fields };
};

const fromWire = (wire: WireError): Error => {
  const error = Object.assign(new Error(wire.message), wire.fields);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
};

export type { FromWorker, ToWorker, WireError };
export { fromWire, toWire };

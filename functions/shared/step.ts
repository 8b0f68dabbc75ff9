// The one way a Lambda is wired: `step({ logger, schema, handler })` returns the middy handler every function exports.
// The chain is always the same and always in this order:
//   injectLambdaContext (structured logs with the request id; the event itself is never logged)
//   → transientErrors (throttling and 5xx after the SDK's retries become TransientAwsError, the one name ASL retries)
//   → parser (the input must match the boundary's zod schema; a mismatch is a ParseError, never retried).
// Functions that parse their input themselves (dispatch rejects into a dead-letter queue instead of throwing; the HTTP
// endpoints answer 4xx) omit `schema` and get the raw event.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { transientErrors } from './transient.ts';

interface StepOptions<In, Out> {
  readonly logger: Logger;
  readonly handler: (input: In, context: Context) => Promise<Out> | Out;
}

interface ParsedStepOptions<S extends z.core.$ZodType, Out> extends StepOptions<z.output<S>, Out> {
  /** The boundary's schema (functions/<area>/schemas.ts). */
  readonly schema: S;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['logger', 'handler', 'schema']);

/** Typos fail at start-up, not silently (`shcema` would otherwise turn parsing off). */
const checkOptions = (options: object) => {
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0) throw new TypeError(`step(): unknown option ${unknown.join(', ')}`);
};

function step<S extends z.core.$ZodType, Out>(options: ParsedStepOptions<S, Out>): middy.MiddyfiedHandler<unknown, Out>;
function step<In, Out>(options: StepOptions<In, Out>): middy.MiddyfiedHandler<In, Out>;
function step(options: StepOptions<unknown, unknown> & { schema?: z.core.$ZodType }) {
  checkOptions(options);
  const { logger, handler, schema } = options;
  const wired = middy(async (input: unknown, context: Context) => handler(input, context))
    // logEvent off whatever POWERTOOLS_LOGGER_LOG_EVENT says: events can hold link tokens and signed bodies.
    .use(injectLambdaContext(logger, { clearState: true, logEvent: false }))
    .use(transientErrors());
  return schema ? wired.use(parser({ schema })) : wired;
}

/** Builds a dependency on first use: a function's other dependencies may need environment it does not have. */
const lazy = <T>(create: () => T): (() => T) => {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = create();
      built = true;
    }
    return value as T;
  };
};

export type { ParsedStepOptions, StepOptions };
export { lazy, step };

// The local handler behind every Task (and converted Wait) state: invokes the Lambda or integration, mints task
// tokens and parks `.waitForTaskToken` states until a callback, enforces TimeoutSeconds/HeartbeatSeconds and retry
// backoff on the clock, and writes the task's history events (LambdaFunction* or Task*). While a resumed execution
// replays its history (replay.ts), a task attempt the history shows finished answers from it instead of running.
import type { TaskSpec, WaitSpec } from './definition.ts';
import { integrationFailure, lambdaFailure, taskError } from './failures.ts';
import { appendEvent, json, laneOf, notTruncated } from './history.ts';
import { currentLane, type Lane } from './lanes.ts';
import { detailsOf, type RecordedAttempt, type Replay } from './replay.ts';
import type { RetryBook } from './retry.ts';
import { statesTimeout } from './timeout-error.ts';
import type { TokenRegistry } from './tokens.ts';
import type { Clock, ExecutionRecord, ExecutionRuntime, HistoryEvent } from './types.ts';
import { waitMs } from './wait.ts';

interface TaskEnv {
  readonly now: () => Date;
  readonly clock: Clock;
  readonly region: string;
  readonly invokeLambda: (functionRef: string, payload: unknown) => Promise<unknown>;
  readonly invokeIntegration: ((resource: string, parameters: unknown) => Promise<unknown>) | undefined;
  readonly record: ExecutionRecord;
  readonly runtime: ExecutionRuntime;
  readonly tokens: TokenRegistry;
  readonly retries: RetryBook;
  /** What `$$.Task.Token` evaluates to in this execution; replaced by a fresh token per waiting task. */
  readonly placeholder: string;
  /** Set while a resumed execution replays its history. */
  readonly replay: Replay | undefined;
}

/** One handler call: the environment, and the Map iteration or Parallel branch that made it (lanes.ts). */
interface CallEnv extends TaskEnv {
  readonly lane: Lane;
  /** What the retry book knows this state by in this lane: concurrent iterations retry on their own. */
  readonly retryKey: string;
}

/** A task attempt that was under way when the process died, resumed where it can be. */
interface Resumed {
  /** When the attempt was scheduled: its TimeoutSeconds count from then. */
  readonly startedAt: number;
  /** The `.waitForTaskToken` token it was given, if any. */
  readonly token: string | undefined;
  /** Its invocation returned: it only waits for its callback now. */
  readonly submitted: boolean;
}

const CALLBACK = '.waitForTaskToken';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:/;
const INTEGRATION = /^arn:aws[a-z-]*:states:::([a-z0-9-]+):(.+)$/;

// A handler of a stopped execution must not act: the library may still call it for a retry or a Catch path.
const closed = () => taskError('States.Runtime', 'The execution is no longer running');
const isTimeout = (error: unknown) => error instanceof Error && error.name === 'States.Timeout';

/** Awaits something the clock or a callback ends: meanwhile the execution counts as idle for whenIdle(). */
const parked = async <T>(env: TaskEnv, promise: Promise<T>): Promise<T> => {
  env.runtime.active--;
  try {
    return await Promise.race([
      promise,
      env.runtime.closed.then(() => {
        throw closed();
      }),
    ]);
  } finally {
    env.runtime.active++;
  }
};

const replaceToken = (value: unknown, placeholder: string, token: string): unknown => {
  if (typeof value === 'string') return value.split(placeholder).join(token);
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, placeholder, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, placeholder, token)]));
  }
  return value;
};

/**
 * TimeoutSeconds and HeartbeatSeconds on the clock: `race` rejects with States.Timeout once either elapses. The timeout
 * counts from `startedAt`: a resumed task gets only what was left of it.
 */
const guard = (env: TaskEnv, spec: TaskSpec, startedAt = env.now().getTime()) => {
  let settled = false;
  let lastBeat = env.now().getTime();
  const { promise: expired, reject } = Promise.withResolvers<never>();
  expired.catch(() => {});
  if (spec.timeoutSeconds !== undefined) {
    const left = startedAt + spec.timeoutSeconds * 1000 - env.now().getTime();
    void env.clock.sleep(Math.max(0, left)).then(() => {
      if (!settled) reject(statesTimeout('The task did not complete within its TimeoutSeconds'));
    });
  }
  const heartbeatMs = spec.heartbeatSeconds === undefined ? undefined : spec.heartbeatSeconds * 1000;
  const watchHeartbeat = async (ms: number) => {
    while (!settled) {
      const remaining = lastBeat + ms - env.now().getTime();
      if (remaining <= 0) {
        reject(statesTimeout('The task did not send a heartbeat within its HeartbeatSeconds'));
        return;
      }
      await env.clock.sleep(remaining);
    }
  };
  return {
    race: <T>(work: Promise<T>) => Promise.race([work, expired]),
    startHeartbeat: () => {
      if (heartbeatMs !== undefined) void watchHeartbeat(heartbeatMs);
    },
    beat: () => {
      lastBeat = env.now().getTime();
    },
    stop: () => {
      settled = true;
    },
  };
};

const wrapInvokeResponse = (payload: unknown) => {
  const requestId = crypto.randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: {
      HttpHeaders: {
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
};

/** Direct Lambda ARN resource: the effective input is the payload, the function's result the task result. */
const runLambda = async (env: CallEnv, spec: TaskSpec, input: unknown) => {
  const add = (type: string, details?: Record<string, unknown>) => {
    if (env.record.status === 'RUNNING') appendEvent(env.record, env.now, type, details, { lane: env.lane });
  };
  add('LambdaFunctionScheduled', {
    resource: spec.resource,
    input: json(input),
    inputDetails: notTruncated,
    ...(spec.timeoutSeconds !== undefined ? { timeoutInSeconds: spec.timeoutSeconds } : {}),
  });
  add('LambdaFunctionStarted');
  const timers = guard(env, spec);
  try {
    const result = (await timers.race(env.invokeLambda(spec.resource, input))) ?? null;
    add('LambdaFunctionSucceeded', { output: json(result), outputDetails: notTruncated });
    return result;
  } catch (error) {
    if (isTimeout(error)) {
      add('LambdaFunctionTimedOut', { error: 'States.Timeout', cause: (error as Error).message });
      throw error;
    }
    const failure = lambdaFailure(error);
    add('LambdaFunctionFailed', failure);
    throw taskError(failure.error, failure.cause);
  } finally {
    timers.stop();
  }
};

const integrationOf = (env: TaskEnv, service: string, action: string, base: string) => {
  if (service === 'lambda' && action === 'invoke') {
    return {
      invoke: async (params: unknown) => {
        const p = (params ?? {}) as { FunctionName?: unknown; Payload?: unknown };
        if (typeof p.FunctionName !== 'string') {
          throw taskError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName');
        }
        try {
          return wrapInvokeResponse(await env.invokeLambda(p.FunctionName, p.Payload ?? {}));
        } catch (error) {
          const failure = lambdaFailure(error);
          throw taskError(failure.error, failure.cause);
        }
      },
    };
  }
  return {
    invoke: async (params: unknown) => {
      if (!env.invokeIntegration) throw taskError('States.Runtime', `The local cloud has no integration for ${base}`);
      try {
        return await env.invokeIntegration(base, params);
      } catch (error) {
        const failure = integrationFailure(service, error);
        throw taskError(failure.error, failure.cause);
      }
    },
  };
};

/** Service integration resource (`arn:aws:states:::service:action[.waitForTaskToken]`): Task* history events. */
const runIntegration = async (
  env: CallEnv,
  spec: TaskSpec,
  input: unknown,
  service: string,
  action: string,
  resumed: Resumed | undefined,
) => {
  const callback = action.endsWith(CALLBACK);
  const baseAction = callback ? action.slice(0, -CALLBACK.length) : action;
  const base = `arn:aws:states:::${service}:${baseAction}`;
  const named = { resourceType: service, resource: action };
  const add = (type: string, details: Record<string, unknown>) => {
    if (env.record.status === 'RUNNING') {
      appendEvent(env.record, env.now, type, { ...named, ...details }, { lane: env.lane });
    }
  };
  // A resumed callback task keeps its original token: whoever holds it (an approval request) can still answer.
  const reused = callback ? resumed?.token : undefined;
  const token = callback ? (reused ?? env.tokens.mint(env.record.arn)) : undefined;
  if (token && !reused) env.record.tokens.push(token);
  const params = token ? replaceToken(input, env.placeholder, token) : input;
  // Only waiting is left for a resumed task whose invocation had returned; otherwise it is invoked (again).
  const waitOnly = callback && reused !== undefined && resumed?.submitted === true;
  if (!waitOnly) {
    add('TaskScheduled', {
      region: env.region,
      parameters: json(params),
      ...(spec.timeoutSeconds !== undefined ? { timeoutInSeconds: spec.timeoutSeconds } : {}),
      ...(spec.heartbeatSeconds !== undefined ? { heartbeatInSeconds: spec.heartbeatSeconds } : {}),
    });
    add('TaskStarted', {});
  }
  const timers = guard(env, spec, reused ? resumed?.startedAt : undefined);
  // The callback's outcome is recorded the moment it arrives, so SendTaskSuccess/Failure answers only once the
  // execution's history holds it (and the store has written it).
  let answered = false;
  // Park the waiter before invoking: the invoked function may call SendTaskSuccess before it even returns.
  const answer = token
    ? new Promise<unknown>((resolve, reject) => {
        env.tokens.park(token, {
          executionArn: env.record.arn,
          succeed: (output) => {
            answered = true;
            add('TaskSucceeded', { output: json(output), outputDetails: notTruncated });
            resolve(output);
          },
          fail: (error, cause) => {
            answered = true;
            add('TaskFailed', { error, cause });
            reject(taskError(error, cause));
          },
          heartbeat: timers.beat,
          cancel: () => reject(closed()),
        });
      })
    : undefined;
  answer?.catch(() => {});
  try {
    if (!waitOnly) {
      const response = await timers.race(integrationOf(env, service, baseAction, base).invoke(params));
      if (!answer) {
        add('TaskSucceeded', { output: json(response), outputDetails: notTruncated });
        return response;
      }
      if (!answered) add('TaskSubmitted', { output: json(response), outputDetails: notTruncated });
    }
    timers.startHeartbeat();
    // Only callback tasks get here (waitOnly is one too).
    return await parked(env, timers.race(answer as Promise<unknown>));
  } catch (error) {
    if (env.record.status !== 'RUNNING' || answered) throw error;
    const { name, message } = error as Error;
    add(isTimeout(error) ? 'TaskTimedOut' : 'TaskFailed', { error: name, cause: message });
    throw error;
  } finally {
    timers.stop();
    if (token) env.tokens.release(token);
  }
};

const runTask = (env: CallEnv, spec: TaskSpec, input: unknown, resumed: Resumed | undefined) => {
  // A Lambda that was running when the process died simply runs again: at-least-once, as Lambda itself.
  if (LAMBDA_ARN.test(spec.resource)) return runLambda(env, spec, input);
  const integration = INTEGRATION.exec(spec.resource);
  if (integration?.[1] && integration[2]) {
    return runIntegration(env, spec, input, integration[1], integration[2], resumed);
  }
  throw taskError('States.Runtime', `The local cloud cannot run the Task resource ${spec.resource}`);
};

/** The token a recorded callback task was scheduled with: one of the execution's tokens, in its parameters. */
const recordedToken = (env: TaskEnv, scheduled: HistoryEvent | undefined) => {
  const parameters = detailsOf(scheduled ?? ({} as HistoryEvent))?.parameters;
  if (typeof parameters !== 'string') return undefined;
  return env.record.tokens.find((token) => parameters.includes(token));
};

/** Whether the recorded attempt was given the input the replayed run gives it now. */
const sameInput = (env: TaskEnv, spec: TaskSpec, attempt: RecordedAttempt, input: unknown) => {
  const details = detailsOf(attempt.scheduled ?? ({} as HistoryEvent));
  if (!details) return true;
  if (LAMBDA_ARN.test(spec.resource)) return details.input === json(input);
  const token = recordedToken(env, attempt.scheduled);
  return details.parameters === json(token ? replaceToken(input, env.placeholder, token) : input);
};

/** Answers a replayed attempt from its recorded outcome, keeping the retry book as the first run kept it. */
const answerFromHistory = (env: CallEnv, spec: TaskSpec, attempt: RecordedAttempt): unknown => {
  const outcome = attempt.outcome;
  if (!outcome) return undefined;
  if (outcome.kind === 'succeeded') {
    env.retries.succeeded(env.retryKey);
    return outcome.output;
  }
  if (outcome.kind === 'timedOut') {
    env.retries.failed(env.retryKey, spec.retry, 'States.Timeout', true);
    throw statesTimeout(outcome.cause);
  }
  env.retries.failed(env.retryKey, spec.retry, outcome.error, false);
  throw taskError(outcome.error, outcome.cause);
};

/**
 * The lane's latest event (the history's, for a history from before lanes). A handler only asks once its lane is past
 * what was recorded, so this is what the lane did last: the Entered event of the state, or the attempt that failed.
 */
const lastInLane = (env: CallEnv): HistoryEvent | undefined => {
  const history = env.record.history;
  if (history[0]?.local?.lanes !== true) return history.at(-1);
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i] as HistoryEvent;
    if (laneOf(event) === env.lane) return event;
  }
  return undefined;
};

const TASK_FAILURE = /^(LambdaFunction|Task)(Failed|TimedOut)$/;

/** The local handler the library calls with the state's effective input (InputPath and Parameters applied). */
const handlerFor =
  (base: TaskEnv, spec: TaskSpec | WaitSpec) =>
  async (input: unknown): Promise<unknown> => {
    // The lane is read now, while the library's call still runs in the iteration or branch that made it.
    const lane = currentLane();
    const where = lane === '' ? '' : ` (in ${lane})`;
    const env: CallEnv = { ...base, lane, retryKey: `${lane}\u0000${spec.name}` };
    env.runtime.active++;
    try {
      // One macrotask lets the event-log reader record this state's Entered event before the task's own events.
      await new Promise((resolve) => setImmediate(resolve));
      if (env.record.status !== 'RUNNING') throw closed();
      const replay = env.replay?.active(lane) ? env.replay : undefined;
      if (spec.kind === 'wait') {
        // Replaying: the wait this lane's history shows ended goes straight on.
        const next = replay?.peek(lane);
        if (next?.type === 'WaitStateExited' && detailsOf(next)?.name === spec.name) return input;
        if (next) {
          replay?.diverge(`its history has ${next.type} where the run waits in '${spec.name}'${where}`);
          throw closed();
        }
        // The wait counts from when the state was entered: after a restart, only what is left of it.
        const now = env.now().getTime();
        const last = lastInLane(env);
        const entered = last?.type === 'WaitStateEntered' && detailsOf(last)?.name === spec.name ? last : undefined;
        const enteredAt = entered?.timestamp ?? now;
        const ms = waitMs(spec, input, new Date(enteredAt)) - (now - enteredAt);
        // A zero wait (Seconds 0, a past Timestamp) goes straight on; a manual clock would hold even sleep(0).
        if (ms > 0) await parked(env, env.clock.sleep(ms));
        if (env.record.status !== 'RUNNING') throw closed();
        return input;
      }
      const attempt = replay?.takeAttempt(lane);
      if (attempt && !attempt.scheduled && !attempt.outcome) {
        // The lane's history goes on with something else: this task never ran here before.
        const next = replay?.peek(lane);
        replay?.diverge(
          `its history has ${next?.type ?? 'nothing'} where the run starts the task '${spec.name}'${where}`,
        );
        throw closed();
      }
      if (attempt && !sameInput(env, spec, attempt, input)) {
        replay?.diverge(`the task '${spec.name}' gets another input than its history shows${where}`);
        throw closed();
      }
      if (attempt?.outcome) {
        env.retries.takeBackoff(env.retryKey);
        return answerFromHistory(env, spec, attempt);
      }
      // Live from here: a first run, or the attempt a resumed execution's lane ends in.
      const backoff = env.retries.takeBackoff(env.retryKey);
      // An attempt the history shows started had already waited its backoff. Otherwise the backoff counts from the
      // failure that caused it, the lane's latest event.
      const last = lastInLane(env);
      const failedAt = last && TASK_FAILURE.test(last.type) ? last.timestamp : env.now().getTime();
      const wait = attempt?.scheduled ? 0 : failedAt + backoff - env.now().getTime();
      if (wait > 0) await parked(env, env.clock.sleep(wait));
      if (env.record.status !== 'RUNNING') throw closed();
      const resumed: Resumed | undefined = attempt?.scheduled
        ? {
            startedAt: attempt.scheduled.timestamp,
            token: recordedToken(env, attempt.scheduled),
            submitted: attempt.submitted,
          }
        : undefined;
      try {
        const result = await runTask(env, spec, input, resumed);
        env.retries.succeeded(env.retryKey);
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        env.retries.failed(env.retryKey, spec.retry, name, isTimeout(error));
        throw error;
      }
    } finally {
      env.runtime.active--;
    }
  };

export type { TaskEnv };
export { handlerFor };

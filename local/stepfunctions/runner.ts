// Runs one execution on aws-local-stepfunctions and keeps its record true: history from the library's event log and
// the task handlers, the terminal status (SUCCEEDED/FAILED from the run, ABORTED from StopExecution, TIMED_OUT from
// the definition's TimeoutSeconds on the clock) and a status-change event at start and at close. An execution that
// was running when the local cloud stopped resumes on start (resumeRun): it replays its history (replay.ts) and goes
// on from where it was, with no status change of its own.
import { randomUUID } from 'node:crypto';
import type { Core, MachineEntry } from './core.ts';
import type { PreparedMachine } from './definition.ts';
import { appendEvent, appendLibraryEvent, type LibraryEvent, notTruncated, watchHistory } from './history.ts';
import { outsideLanes } from './lanes.ts';
import { createReplay, RESUME_ERROR, type Replay } from './replay.ts';
import { createRetryBook } from './retry.ts';
import { handlerFor, type TaskEnv } from './tasks.ts';
import { type ExecutionRecord, type ExecutionRuntime, ExecutionStatus, type ExecutionStatusValue } from './types.ts';
import { statusChangeEvent } from './views.ts';

type Closing = Exclude<ExecutionStatusValue, 'RUNNING'>;

const TERMINAL_EVENT = {
  SUCCEEDED: 'ExecutionSucceeded',
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
} as const satisfies Record<Closing, string>;

// The library's defaults for a Fail state without Error or Cause: AWS shows neither.
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

interface Outcome {
  readonly output?: string;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
}

/** Closes a running execution: status, stopDate, terminal history event, no more callbacks, status-change event. */
const closeExecution = (core: Core, record: ExecutionRecord, status: Closing, outcome: Outcome) => {
  if (record.status !== ExecutionStatus.running) return;
  const details =
    status === ExecutionStatus.succeeded
      ? { output: outcome.output, outputDetails: notTruncated }
      : {
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
          ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
        };
  appendEvent(record, core.options.now, TERMINAL_EVENT[status], details);
  // A resumed run that ends before its history does has diverged from it, and replay has closed it already.
  if (record.status !== ExecutionStatus.running) return;
  record.status = status;
  record.stopDate = core.options.now().getTime();
  if (outcome.output !== undefined) record.output = outcome.output;
  if (outcome.error !== undefined) record.error = outcome.error;
  if (outcome.cause !== undefined) record.cause = outcome.cause;
  core.tokens.cancelExecution(record.arn);
  const runtime = core.runtimes.get(record.arn);
  core.runtimes.delete(record.arn);
  if (status === ExecutionStatus.aborted || status === ExecutionStatus.timedOut) runtime?.abort();
  runtime?.close();
  core.emit(statusChangeEvent(core, record));
};

const failureOf = (error: unknown): Outcome => {
  // The library wraps the state's error in an ExecutionError whose `cause` is the error itself.
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(inner instanceof Error)) return { error: 'States.Runtime', cause: String(inner) };
  const cause = typeof inner.cause === 'string' ? inner.cause : inner.message;
  return {
    error: inner.name === FAIL_STATE_DEFAULT_ERROR ? undefined : inner.name,
    cause: cause === FAIL_STATE_DEFAULT_CAUSE ? undefined : cause,
  };
};

const settle = async (core: Core, record: ExecutionRecord, result: Promise<unknown>, reader: Promise<void>) => {
  const outcome = await result.then(
    (output) => ({ ok: true as const, output }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  // Every state event must be in the history before the terminal one.
  await reader;
  if (outcome.ok) {
    closeExecution(core, record, ExecutionStatus.succeeded, { output: JSON.stringify(outcome.output ?? null) });
  } else {
    closeExecution(core, record, ExecutionStatus.failed, failureOf(outcome.error));
  }
};

type RunnableMachine = MachineEntry & { prepared: PreparedMachine };

const run = (core: Core, machine: RunnableMachine, record: ExecutionRecord, replay: Replay | undefined) => {
  const { now, clock } = core.options;
  const { promise: closed, resolve: close } = Promise.withResolvers<void>();
  const runtime: ExecutionRuntime = { active: 0, abort: () => {}, closed, close };
  core.runtimes.set(record.arn, runtime);
  core.changed(record);
  watchHistory(record, { appended: (r) => core.changed(r), consume: replay ? replay.consume : () => false });
  // Every event of a new history says its lane (lanes.ts), and ExecutionStarted says so for replay.
  appendEvent(
    record,
    now,
    'ExecutionStarted',
    { input: record.input, inputDetails: notTruncated, roleArn: machine.record.roleArn },
    { local: { lanes: true } },
  );
  // A resumed execution never stopped running, as far as anyone watching is concerned: no second RUNNING event.
  if (!replay) core.emit(statusChangeEvent(core, record));

  // `$$.Task.Token` evaluates to this marker; each waiting task swaps it for its own freshly minted token.
  const placeholder = `smcp-task-token-${randomUUID()}`;
  const env: TaskEnv = {
    now,
    clock,
    region: core.region,
    invokeLambda: core.options.invokeLambda,
    invokeIntegration: core.options.invokeIntegration,
    record,
    runtime,
    tokens: core.tokens,
    retries: createRetryBook(),
    placeholder,
    replay,
  };
  const specs = [...machine.prepared.handled.values()];
  const execution = outsideLanes(() =>
    machine.prepared.library.run(JSON.parse(record.input), {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(specs.map((s) => [s.name, handlerFor(env, s)])) as never,
        // Backoff is slept on the clock by the handler (see retry.ts), so the library must not sleep at all.
        retryIntervalOverrides: Object.fromEntries(specs.map((s) => [s.name, 0])),
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.arn, Name: record.name, RoleArn: machine.record.roleArn },
        StateMachine: { Id: machine.record.arn, Name: machine.record.name },
        Task: { Token: placeholder },
      },
    }),
  );
  runtime.abort = execution.abort;
  const reader = (async () => {
    for await (const event of execution.eventLogs) {
      if (record.status === ExecutionStatus.running) {
        appendLibraryEvent(record, now, machine.prepared.types, event as LibraryEvent);
      }
    }
  })();
  void settle(core, record, execution.result, reader);

  const timeoutSeconds = machine.prepared.timeoutSeconds;
  if (timeoutSeconds !== undefined) {
    // From the start of the execution: a resumed one has only what is left.
    const left = record.startDate + timeoutSeconds * 1000 - now().getTime();
    void clock.sleep(Math.max(0, left)).then(() =>
      closeExecution(core, record, ExecutionStatus.timedOut, {
        error: 'States.Timeout',
        cause: `The execution did not complete within the state machine's TimeoutSeconds (${timeoutSeconds})`,
      }),
    );
  }
};

/**
 * Resolves once no execution can progress without the clock or a callback: every running execution has all its
 * in-flight handlers parked on a Wait, a backoff or a task token. Between handlers the library only chains promises,
 * so a few quiet macrotask turns in a row mean nothing is moving.
 */
const whenIdle = async (core: Core) => {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((resolve) => setImmediate(resolve));
    const busy = [...core.runtimes.values()].some((r) => r.active > 0);
    quiet = busy ? 0 : quiet + 1;
  }
};

const startRun = (core: Core, machine: RunnableMachine, record: ExecutionRecord) =>
  run(core, machine, record, undefined);

/** Resumes an execution that was running when the local cloud stopped: replays its history, then goes on live. */
const resumeRun = (core: Core, machine: RunnableMachine, record: ExecutionRecord) => {
  const replay = createReplay(record, (cause) => {
    const runtime = core.runtimes.get(record.arn);
    closeExecution(core, record, ExecutionStatus.failed, { error: RESUME_ERROR, cause });
    runtime?.abort();
  });
  run(core, machine, record, replay);
};

export { closeExecution, resumeRun, startRun, whenIdle };

// Runs the local cloud until nothing more can happen without outside help: deliveries done, queues drained, and every
// execution finished or waiting for a callback (an approval). With a manual clock, waits and backoffs are skipped
// over by advancing it; with the real clock, settle waits in real time up to a deadline.
import type { Clock, ManualClock } from './clock.ts';
import type { LocalStack } from './stack/build.ts';
import type { StepFunctions } from './stepfunctions/index.ts';

/** What settling needs of a local cloud (a LocalCloud is one). */
interface Settleable {
  readonly clock: Clock;
  readonly stack: Pick<LocalStack, 'stateMachines'>;
  readonly stepfunctions: Pick<StepFunctions, 'executions' | 'history'>;
  whenIdle(): Promise<void>;
}

interface SettledExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly workflow: string;
  readonly status: string;
  /** RUNNING executions that wait for SendTaskSuccess/Failure (an approval) say so here. */
  readonly awaitingCallback: boolean;
  readonly startDate: string;
  readonly stopDate: string | undefined;
  readonly error: string | undefined;
  readonly history: readonly Record<string, unknown>[];
}

const CALLBACK_OPEN = 'TaskSubmitted';
const CALLBACK_CLOSED = new Set([
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'ExecutionAborted',
  'ExecutionTimedOut',
]);

const awaitingCallback = (history: readonly { type: string }[]): boolean => {
  let open = false;
  for (const event of history) {
    if (event.type === CALLBACK_OPEN) open = true;
    else if (CALLBACK_CLOSED.has(event.type)) open = false;
  }
  return open;
};

const isManual = (clock: unknown): clock is ManualClock => typeof (clock as ManualClock).runNext === 'function';

/** The workflow key from a state machine name `<service>-<stage>-<workflow>`. */
const workflowOf = (cloud: Settleable, stateMachineArn: string): string => {
  const machine = cloud.stack.stateMachines.find((m) => m.arn === stateMachineArn);
  return machine?.key ?? stateMachineArn.split(':').at(-1) ?? stateMachineArn;
};

const settle = async (
  cloud: Settleable,
  { since, timeoutMs = 60_000 }: { since?: Date; timeoutMs?: number } = {},
): Promise<SettledExecution[]> => {
  const deadline = Date.now() + timeoutMs;
  const relevant = () => cloud.stepfunctions.executions().filter((e) => !since || e.startDate >= since);
  for (;;) {
    await cloud.whenIdle();
    const progressing = relevant().filter(
      (e) => e.status === 'RUNNING' && !awaitingCallback(cloud.stepfunctions.history(e.executionArn)),
    );
    if (progressing.length === 0 || Date.now() > deadline) break;
    if (isManual(cloud.clock)) {
      // Only clock timers can move things on now (Wait states, retry backoff): jump to the next one.
      if (!(await cloud.clock.runNext())) break;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return relevant()
    .reverse()
    .map((e) => {
      const history = cloud.stepfunctions.history(e.executionArn);
      return {
        executionArn: e.executionArn,
        name: e.name,
        workflow: workflowOf(cloud, e.stateMachineArn),
        status: e.status,
        awaitingCallback: e.status === 'RUNNING' && awaitingCallback(history),
        startDate: e.startDate.toISOString(),
        stopDate: e.stopDate?.toISOString(),
        error: e.error,
        history: history as unknown as Record<string, unknown>[],
      };
    });
};

export type { Settleable, SettledExecution };
export { awaitingCallback, settle };

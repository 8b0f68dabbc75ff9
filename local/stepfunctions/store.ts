// Snapshot and restore as plain JSON, for the local cloud's data directory.
import type { Core } from './core.ts';
import { prepareMachine } from './definition.ts';
import { appendEvent } from './history.ts';
import { type ExecutionRecord, ExecutionStatus, type StateMachineRecord } from './types.ts';
import { statusChangeEvent } from './views.ts';

const SNAPSHOT_VERSION = 1;

// aws-local-stepfunctions keeps an execution's position inside its own promise chain and offers no way to start
// one mid-flight, so an execution that was running when the snapshot was taken cannot resume: it comes back
// ABORTED with this cause (and its pending task tokens answer TaskTimedOut), and its status change is emitted as for
// any execution that stops, so rules on `Execution Status Change` hear of it.
const RESTART_ERROR = 'LocalCloud.Restarted';
const RESTART_CAUSE =
  'The local cloud restarted while this execution was running; executions cannot resume mid-flight, so it was aborted';

interface Snapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly stateMachines: readonly StateMachineRecord[];
  readonly executions: readonly ExecutionRecord[];
}

const snapshot = (core: Core): Snapshot =>
  structuredClone({
    version: SNAPSHOT_VERSION,
    stateMachines: [...core.machines.values()].map((m) => m.record),
    executions: [...core.executions.values()],
  });

const isSnapshot = (value: unknown): value is Snapshot => {
  const s = value as Partial<Snapshot> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === SNAPSHOT_VERSION &&
    Array.isArray(s.stateMachines) &&
    Array.isArray(s.executions)
  );
};

const loadDefinition = (record: StateMachineRecord) => {
  try {
    return prepareMachine(JSON.parse(record.definition));
  } catch {
    return undefined;
  }
};

/** Replaces everything with the snapshot; running executions are stopped first. */
const restore = (core: Core, value: unknown) => {
  if (!isSnapshot(value)) throw new Error('Not a Step Functions snapshot of this version');
  const data = structuredClone(value);
  for (const runtime of core.runtimes.values()) {
    runtime.abort();
    runtime.close();
  }
  for (const arn of core.executions.keys()) core.tokens.cancelExecution(arn);
  core.runtimes.clear();
  core.machines.clear();
  core.executions.clear();
  for (const record of data.stateMachines) core.machines.set(record.arn, { record, prepared: loadDefinition(record) });
  const aborted: ExecutionRecord[] = [];
  for (const record of data.executions) {
    const execution: ExecutionRecord = { ...record, history: [...record.history], tokens: [...record.tokens] };
    for (const token of execution.tokens) core.tokens.remember(token, execution.arn);
    if (execution.status === ExecutionStatus.running) {
      appendEvent(execution, core.options.now, 'ExecutionAborted', { error: RESTART_ERROR, cause: RESTART_CAUSE });
      execution.status = ExecutionStatus.aborted;
      execution.stopDate = core.options.now().getTime();
      execution.error = RESTART_ERROR;
      execution.cause = RESTART_CAUSE;
      aborted.push(execution);
    }
    core.executions.set(execution.arn, execution);
  }
  // Once everything is restored: whoever hears the event may look the execution up.
  for (const execution of aborted) core.emit(statusChangeEvent(core, execution));
};

export type { Snapshot };
export { restore, snapshot };

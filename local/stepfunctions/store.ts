// Snapshot and restore as plain JSON, for the local cloud's data directory.
import type { Core } from './core.ts';
import { prepareMachine } from './definition.ts';
import { appendEvent } from './history.ts';
import { resumeRun } from './runner.ts';
import { type ExecutionRecord, ExecutionStatus, type StateMachineRecord } from './types.ts';
import { statusChangeEvent } from './views.ts';

const SNAPSHOT_VERSION = 1;

// An execution that was running when the snapshot was taken resumes (runner.ts resumeRun): it replays its history and
// carries on. Only one whose definition the local cloud no longer has comes back ABORTED, with this error, and its
// status change is emitted as for any execution that stops, so rules on `Execution Status Change` hear of it.
const RESTART_ERROR = 'LocalCloud.Restarted';
const RESTART_CAUSE =
  'The local cloud restarted while this execution was running and no longer has the definition it started with, so it was aborted';

interface Snapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly stateMachines: readonly StateMachineRecord[];
  readonly executions: readonly ExecutionRecord[];
  /** The definitions executions started with, by digest (absent from snapshots of older versions). */
  readonly definitions?: Readonly<Record<string, string>>;
}

const snapshot = (core: Core): Snapshot =>
  structuredClone({
    version: SNAPSHOT_VERSION,
    stateMachines: [...core.machines.values()].map((m) => m.record),
    executions: [...core.executions.values()],
    definitions: Object.fromEntries(core.definitions),
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

/** The machine an execution runs with: the definition it started with (older records: its machine's current one). */
const machineFor = (core: Core, execution: ExecutionRecord) => {
  const machine = core.machines.get(execution.stateMachineArn);
  if (!machine) return undefined;
  const text =
    execution.definition === undefined ? machine.record.definition : core.definitions.get(execution.definition);
  if (text === undefined) return undefined;
  if (text === machine.record.definition && machine.prepared) return { ...machine, prepared: machine.prepared };
  const prepared = loadDefinition({ ...machine.record, definition: text });
  return prepared ? { ...machine, prepared } : undefined;
};

/**
 * Resumes every execution that was running when the state was saved. Call it once every record is in place (whoever
 * hears a status change may look the execution up).
 */
const resumeRunning = (core: Core, executions: readonly ExecutionRecord[]) => {
  const aborted: ExecutionRecord[] = [];
  for (const execution of executions) {
    for (const token of execution.tokens) core.tokens.remember(token, execution.arn);
    if (execution.status !== ExecutionStatus.running || core.runtimes.has(execution.arn)) continue;
    const machine = machineFor(core, execution);
    if (machine) {
      resumeRun(core, machine, execution);
      continue;
    }
    appendEvent(execution, core.options.now, 'ExecutionAborted', { error: RESTART_ERROR, cause: RESTART_CAUSE });
    execution.status = ExecutionStatus.aborted;
    execution.stopDate = core.options.now().getTime();
    execution.error = RESTART_ERROR;
    execution.cause = RESTART_CAUSE;
    core.changed(execution);
    aborted.push(execution);
  }
  for (const execution of aborted) core.emit(statusChangeEvent(core, execution));
};

/**
 * Replaces the executions with the snapshot's (running ones are stopped first; those running in it resume) and adds
 * its state machines, except those registered already: the local cloud registers statemachines/ before it restores,
 * and those definitions are the current ones.
 */
const restore = (core: Core, value: unknown) => {
  if (!isSnapshot(value)) throw new Error('Not a Step Functions snapshot of this version');
  const data = structuredClone(value);
  for (const runtime of core.runtimes.values()) {
    runtime.abort();
    runtime.close();
  }
  for (const arn of core.executions.keys()) core.tokens.cancelExecution(arn);
  core.runtimes.clear();
  core.executions.clear();
  for (const record of data.stateMachines) {
    if (!core.machines.has(record.arn)) core.machines.set(record.arn, { record, prepared: loadDefinition(record) });
  }
  for (const [digest, text] of Object.entries(data.definitions ?? {})) core.definitions.set(digest, text);
  const executions = data.executions.map(
    (record): ExecutionRecord => ({ ...record, history: [...record.history], tokens: [...record.tokens] }),
  );
  for (const execution of executions) core.executions.set(execution.arn, execution);
  resumeRunning(core, executions);
};

export type { Snapshot };
export { loadDefinition, restore, resumeRunning, snapshot };

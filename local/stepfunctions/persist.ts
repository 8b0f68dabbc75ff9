// Write-through of the Step Functions emulator to the local cloud's store: a state machine is a row, an execution a
// row (its whole record but the history, so any field added to it is kept), each history event a row of its own
// (an execution's new events are appended, never rewritten), and the definition each execution started with one row
// per digest. An operation (StartExecution, SendTaskSuccess, StopExecution…) answers once what it changed is on disk;
// what a running execution does between calls is written on the next turn of the event loop.
import type { Store } from '../store/index.ts';
import { createRows } from '../store/rows.ts';
import type { Core } from './core.ts';
import { loadDefinition, resumeRunning } from './store.ts';
import type { ExecutionRecord, HistoryEvent, StateMachineRecord } from './types.ts';

const MACHINE = 'stepfunctions.machine';
const EXECUTION = 'stepfunctions.execution';
const HISTORY = 'stepfunctions.history';
const DEFINITION = 'stepfunctions.definition';

// Zero-padded so that the store's key order is the history's order.
const historyKey = (arn: string, id: number) => `${arn}\u0000${String(id).padStart(10, '0')}`;
const arnOfHistoryKey = (key: string) => key.slice(0, key.lastIndexOf('\u0000'));

/** An execution's row: its record without the history, and its place in start order (ListExecutions breaks ties on it). */
interface ExecutionRow {
  readonly order: number;
  readonly record: Omit<ExecutionRecord, 'history'>;
}

const createStepFunctionsPersistence = (core: Core, store: Store) => {
  const machines = createRows(store, MACHINE);
  const executions = createRows(store, EXECUTION);
  const definitions = createRows(store, DEFINITION);
  /** Events of each execution already written. */
  const written = new Map<string, number>();
  const dirty = new Set<ExecutionRecord>();
  const order = new Map<string, number>();
  const orderOf = (arn: string) => {
    let at = order.get(arn);
    if (at === undefined) {
      at = order.size;
      order.set(arn, at);
    }
    return at;
  };
  let inCall = false;
  let scheduled = false;
  let wrote = 0;

  const flush = () => {
    for (const record of dirty) {
      const { history, ...row } = record;
      if (executions.write(record.arn, { order: orderOf(record.arn), record: row } satisfies ExecutionRow)) wrote++;
      const from = written.get(record.arn) ?? 0;
      for (let i = from; i < history.length; i++) {
        const event = history[i] as HistoryEvent;
        store.put(HISTORY, historyKey(record.arn, event.id), JSON.stringify(event));
        wrote++;
      }
      written.set(record.arn, history.length);
      const text = record.definition === undefined ? undefined : core.definitions.get(record.definition);
      if (record.definition !== undefined && text !== undefined && definitions.write(record.definition, text)) wrote++;
    }
    dirty.clear();
  };

  /** Only what this emulator wrote is waited for (the store may hold other emulators' background rows too). */
  const commit = (): Promise<void> | undefined => {
    flush();
    if (wrote === 0) return undefined;
    wrote = 0;
    return store.commit();
  };

  const changed = (record: ExecutionRecord) => {
    dirty.add(record);
    if (inCall || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void commit();
    });
  };

  const syncMachines = () => {
    for (const { record } of core.machines.values()) if (machines.write(record.arn, record)) wrote++;
  };

  return {
    /**
     * Brings back what the last run left: state machines the stack does not define (those it does keep their current
     * definition), the definitions executions started with, and every execution with its history. Then every
     * execution that was running resumes.
     */
    load: () => {
      for (const [arn, value] of machines.saved()) {
        if (core.machines.has(arn)) continue;
        const record = value as StateMachineRecord;
        core.machines.set(arn, { record, prepared: loadDefinition(record) });
      }
      for (const [digest, text] of definitions.saved()) core.definitions.set(digest, text as string);
      const rows = executions.saved().map(([, value]) => value as ExecutionRow);
      rows.sort((a, b) => a.order - b.order);
      const loaded: ExecutionRecord[] = [];
      for (const row of rows) {
        const record = { ...row.record, history: [] } as ExecutionRecord;
        orderOf(record.arn);
        core.executions.set(record.arn, record);
        loaded.push(record);
      }
      for (const [key, value] of store.rows(HISTORY)) {
        const arn = arnOfHistoryKey(key);
        core.executions.get(arn)?.history.push(JSON.parse(value) as HistoryEvent);
      }
      for (const record of loaded) written.set(record.arn, record.history.length);
      core.changed = changed;
      syncMachines();
      resumeRunning(core, loaded);
      return commit();
    },
    /** After a restore from a snapshot: everything in memory is written afresh. */
    rewrite: () => {
      executions.clear();
      definitions.clear();
      store.removePrefix(HISTORY, '');
      written.clear();
      order.clear();
      for (const record of core.executions.values()) dirty.add(record);
      syncMachines();
      return commit();
    },
    machinesChanged: () => {
      syncMachines();
      if (!inCall) void commit();
    },
    beginCall: () => {
      inCall = true;
    },
    /** Writes what the call changed; the promise of it being on disk, or undefined when it changed nothing. */
    endCall: (machinesChanged: boolean): Promise<void> | undefined => {
      inCall = false;
      if (machinesChanged) syncMachines();
      return commit();
    },
  };
};

type StepFunctionsPersistence = ReturnType<typeof createStepFunctionsPersistence>;

export type { StepFunctionsPersistence };
export { createStepFunctionsPersistence };

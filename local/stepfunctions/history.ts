// Execution history in GetExecutionHistory's shape: sequential ids, previousEventId, and AWS's event types, built
// from aws-local-stepfunctions' event log (state transitions) and from the task handlers (Lambda/Task events).
import type { ExecutionRecord, HistoryEvent } from './types.ts';

interface LibraryEvent {
  readonly type: string;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input?: unknown;
    readonly output?: unknown;
  };
  readonly index?: number;
  readonly parentState?: { readonly name: string };
  readonly Error?: string;
  readonly Cause?: unknown;
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const notTruncated = { truncated: false } as const;

/** What watches an execution's history: the store (a new event is a change to write) and a resuming run's replay. */
interface HistoryWatch {
  /** While an execution is replayed, the events it produces again are checked against its history, not appended. */
  consume?(type: string, details: Record<string, unknown> | undefined): boolean;
  appended?(record: ExecutionRecord): void;
}

const watches = new WeakMap<ExecutionRecord, HistoryWatch>();

const watchHistory = (record: ExecutionRecord, watch: HistoryWatch) => {
  watches.set(record, { ...watches.get(record), ...watch });
};

/** Appends one event; `details` go under the member AWS names for the type (`<type>EventDetails`, lowerCamel). */
const appendEvent = (
  record: ExecutionRecord,
  now: () => Date,
  type: string,
  details?: Record<string, unknown>,
  detailsKey = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`,
): void => {
  const watch = watches.get(record);
  if (watch?.consume?.(type, details)) return;
  const last = record.history.at(-1);
  const event: HistoryEvent = {
    id: (last?.id ?? 0) + 1,
    previousEventId: last?.id ?? 0,
    timestamp: now().getTime(),
    type,
    ...(details ? { [detailsKey]: details } : {}),
  };
  record.history.push(event);
  watch?.appended?.(record);
};

/** Maps one library event; the library's execution-level events are ignored (the runner writes those). */
const appendLibraryEvent = (
  record: ExecutionRecord,
  now: () => Date,
  types: ReadonlyMap<string, string>,
  event: LibraryEvent,
): void => {
  const state = event.state;
  switch (event.type) {
    case 'StateEntered':
      if (!state) return;
      appendEvent(
        record,
        now,
        `${types.get(state.name) ?? state.type}StateEntered`,
        { name: state.name, input: json(state.input), inputDetails: notTruncated },
        'stateEnteredEventDetails',
      );
      return;
    case 'StateExited':
      if (!state) return;
      appendEvent(
        record,
        now,
        `${types.get(state.name) ?? state.type}StateExited`,
        { name: state.name, output: json(state.output), outputDetails: notTruncated },
        'stateExitedEventDetails',
      );
      return;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
      appendEvent(record, now, event.type, { name: event.parentState?.name, index: event.index });
      return;
    case 'MapIterationFailed':
      appendEvent(record, now, event.type, { name: event.parentState?.name, index: event.index });
      return;
    default:
      // StateFailed/Retried/Caught have no AWS counterpart: the task events already tell the failure.
      return;
  }
};

const DATA_MEMBERS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

/** Wire form: epoch seconds, and input/output dropped when includeExecutionData is false. */
const toWire = (event: HistoryEvent, includeData: boolean) => {
  const wire: Record<string, unknown> = { ...event, timestamp: event.timestamp / 1000 };
  if (includeData) return wire;
  for (const [key, value] of Object.entries(wire)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    wire[key] = Object.fromEntries(Object.entries(value).filter(([k]) => !DATA_MEMBERS.has(k)));
  }
  return wire;
};

export type { HistoryWatch, LibraryEvent };
export { appendEvent, appendLibraryEvent, json, notTruncated, toWire, watchHistory };

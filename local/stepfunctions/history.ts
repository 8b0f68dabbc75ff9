// Execution history in GetExecutionHistory's shape: sequential ids, previousEventId, and AWS's event types, built
// from aws-local-stepfunctions' event log (state transitions) and from the task handlers (Lambda/Task events).
import { type Lane, laneOfLibraryEvent, ROOT } from './lanes.ts';
import type { ExecutionRecord, HistoryEvent, LocalEventMarks } from './types.ts';

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
  consume?(type: string, details: Record<string, unknown> | undefined, lane: Lane): boolean;
  appended?(record: ExecutionRecord): void;
}

const watches = new WeakMap<ExecutionRecord, HistoryWatch>();

const watchHistory = (record: ExecutionRecord, watch: HistoryWatch) => {
  watches.set(record, { ...watches.get(record), ...watch });
};

interface AppendOptions {
  /** The member the details go under; by default AWS's for the type (`<type>EventDetails`, lowerCamel). */
  readonly detailsKey?: string;
  /** The Map iteration or Parallel branch the event happened in (lanes.ts). */
  readonly lane?: Lane;
  /** What else the emulator keeps on the event for itself. */
  readonly local?: LocalEventMarks;
}

/** Appends one event, unless a resuming run's replay recognises it as one its history already has. */
const appendEvent = (
  record: ExecutionRecord,
  now: () => Date,
  type: string,
  details?: Record<string, unknown>,
  options: AppendOptions = {},
): HistoryEvent | undefined => {
  const lane = options.lane ?? ROOT;
  const detailsKey = options.detailsKey ?? `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
  const watch = watches.get(record);
  if (watch?.consume?.(type, details, lane)) return undefined;
  const last = record.history.at(-1);
  const local: LocalEventMarks = { ...options.local, ...(lane === ROOT ? {} : { lane }) };
  const event: HistoryEvent = {
    id: (last?.id ?? 0) + 1,
    previousEventId: last?.id ?? 0,
    timestamp: now().getTime(),
    type,
    ...(details ? { [detailsKey]: details } : {}),
    ...(Object.keys(local).length > 0 ? { local } : {}),
  };
  record.history.push(event);
  watch?.appended?.(record);
  return event;
};

/** An event's lane as stored (histories written before lanes have none: all of it is the root lane). */
const laneOf = (event: HistoryEvent): Lane => event.local?.lane ?? ROOT;

/** Maps one library event; the library's execution-level events are ignored (the runner writes those). */
const appendLibraryEvent = (
  record: ExecutionRecord,
  now: () => Date,
  types: ReadonlyMap<string, string>,
  event: LibraryEvent,
): void => {
  const state = event.state;
  const lane = laneOfLibraryEvent(event);
  switch (event.type) {
    case 'StateEntered':
      if (!state) return;
      appendEvent(
        record,
        now,
        `${types.get(state.name) ?? state.type}StateEntered`,
        { name: state.name, input: json(state.input), inputDetails: notTruncated },
        { detailsKey: 'stateEnteredEventDetails', lane },
      );
      return;
    case 'StateExited':
      if (!state) return;
      appendEvent(
        record,
        now,
        `${types.get(state.name) ?? state.type}StateExited`,
        { name: state.name, output: json(state.output), outputDetails: notTruncated },
        { detailsKey: 'stateExitedEventDetails', lane },
      );
      return;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      appendEvent(record, now, event.type, { name: event.parentState?.name, index: event.index }, { lane });
      return;
    default:
      // StateFailed/Retried/Caught have no AWS counterpart: the task events already tell the failure.
      return;
  }
};

const DATA_MEMBERS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

/** Wire form: epoch seconds, no `local` marks, and input/output dropped when includeExecutionData is false. */
const toWire = (event: HistoryEvent, includeData: boolean) => {
  const { local: _local, ...aws } = event;
  const wire: Record<string, unknown> = { ...aws, timestamp: event.timestamp / 1000 };
  if (includeData) return wire;
  for (const [key, value] of Object.entries(wire)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    wire[key] = Object.fromEntries(Object.entries(value).filter(([k]) => !DATA_MEMBERS.has(k)));
  }
  return wire;
};

export type { HistoryWatch, LibraryEvent };
export { appendEvent, appendLibraryEvent, json, laneOf, notTruncated, toWire, watchHistory };

// Resuming an execution after a restart, the way Temporal replays a workflow. aws-local-stepfunctions cannot start a
// run mid-flight, so a resumed execution runs again from its input, and its recorded history stands in for the world:
// every event the run produces again is checked against the history instead of being appended (the same states, in
// the same order), every task the history shows finished returns its recorded output or error instead of running
// again, and once the run reaches the end of its history it carries on live. So a task whose completion was recorded
// never runs twice; one that was running when the process died runs again (at-least-once, as Lambda); a
// `.waitForTaskToken` task that had been submitted waits again under its original token; a Wait state or a retry
// backoff waits only what was left of it.
//
// A run that does not follow its history (the events differ, or a task gets a different input) would mean feeding
// recorded outputs to the wrong states, so replay stops there and the execution fails with LocalCloud.ResumeFailed.
//
// Map iterations and Parallel branches that run at the same time interleave their events differently on every run, so
// the history is replayed per lane (lanes.ts): each iteration or branch has its own cursor over its own events, in the
// order it recorded them, and a task attempt or a Wait's exit is only ever taken from the lane of the iteration that
// reached it, and only for the very input it recorded. A history written before events kept their lane is one lane,
// replayed in order as it always was.
import { laneOf } from './history.ts';
import { type Lane, ROOT } from './lanes.ts';
import type { ExecutionRecord, HistoryEvent } from './types.ts';

const RESUME_ERROR = 'LocalCloud.ResumeFailed';

const TASK_EVENT = /^(LambdaFunction|Task)(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut)$/;

type Outcome =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly error: string; readonly cause: string }
  | { readonly kind: 'timedOut'; readonly cause: string };

/** One task attempt as the history recorded it. */
interface RecordedAttempt {
  readonly scheduled: HistoryEvent | undefined;
  /** A `.waitForTaskToken` task whose invocation returned: it only waited for its callback. */
  readonly submitted: boolean;
  /** Undefined when the process died before the attempt ended. */
  readonly outcome: Outcome | undefined;
}

const detailsOf = (event: HistoryEvent): Record<string, unknown> | undefined => {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      return value as Record<string, unknown>;
    }
  }
  return undefined;
};

const describe = (type: string, details: Record<string, unknown> | undefined) =>
  typeof details?.name === 'string' ? `${type} '${details.name}'` : type;

const same = (recorded: HistoryEvent, type: string, details: Record<string, unknown> | undefined) => {
  if (recorded.type !== type) return false;
  const was = detailsOf(recorded);
  return was?.name === details?.name && was?.index === details?.index;
};

const outcomeOf = (event: HistoryEvent): Outcome | undefined => {
  const details = detailsOf(event) ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : '');
  if (event.type.endsWith('Succeeded')) return { kind: 'succeeded', output: JSON.parse(text('output') || 'null') };
  if (event.type.endsWith('TimedOut')) return { kind: 'timedOut', cause: text('cause') };
  if (event.type.endsWith('Failed')) return { kind: 'failed', error: text('error'), cause: text('cause') };
  return undefined;
};

const TERMINAL = /^Execution(Succeeded|Failed|TimedOut|Aborted)$/;

const where = (lane: Lane) => (lane === ROOT ? '' : ` (in ${lane})`);

const createReplay = (record: ExecutionRecord, onDiverge: (reason: string) => void) => {
  // Histories from before lanes were kept are replayed as one lane, in order, exactly as they were then.
  const laned = record.history[0]?.local?.lanes === true;
  const laneFor = (lane: Lane): Lane => (laned ? lane : ROOT);
  /** Each lane's recorded events in order, and how far the run has got through them. */
  const lanes = new Map<Lane, { readonly events: HistoryEvent[]; at: number }>();
  for (const event of record.history) {
    const lane = laned ? laneOf(event) : ROOT;
    let entry = lanes.get(lane);
    if (!entry) {
      entry = { events: [], at: 0 };
      lanes.set(lane, entry);
    }
    entry.events.push(event);
  }
  let left = record.history.length;
  let diverged = false;

  const next = (lane: Lane) => {
    const entry = lanes.get(laneFor(lane));
    return entry && entry.at < entry.events.length ? entry.events[entry.at] : undefined;
  };
  const advance = (lane: Lane) => {
    const entry = lanes.get(laneFor(lane));
    if (entry) entry.at++;
    left--;
  };

  const diverge = (reason: string) => {
    if (diverged) return;
    diverged = true;
    left = 0;
    for (const entry of lanes.values()) entry.at = entry.events.length;
    onDiverge(`The local cloud could not resume this execution after a restart: ${reason}`);
  };

  /** The first recorded event no lane has reached, for a run that ended before its history did. */
  const unreached = () => {
    for (const event of record.history) {
      const entry = lanes.get(laned ? laneOf(event) : ROOT);
      if (entry && entry.events.indexOf(event) >= entry.at) return event;
    }
    return undefined;
  };

  return {
    /** True while recorded events remain to be matched in this lane. */
    active: (lane: Lane) => !diverged && next(lane) !== undefined,
    /** The lane's next recorded event, while replaying it. */
    peek: (lane: Lane): HistoryEvent | undefined => (diverged ? undefined : next(lane)),
    /** An event the run produced again: true when it matched the history (or replay just stopped on it). */
    consume: (type: string, details: Record<string, unknown> | undefined, lane: Lane): boolean => {
      if (diverged || left === 0) return false;
      if (TERMINAL.test(type) && left > 0) {
        const event = unreached();
        const was = event ? describe(event.type, detailsOf(event)) : 'nothing';
        diverge(`the run ended (${type}) before reaching ${was} in its history${where(event ? laneOf(event) : ROOT)}`);
        return true;
      }
      const recorded = next(lane);
      // This lane has gone past its history: the rest of it runs live.
      if (!recorded) return false;
      if (same(recorded, type, details)) {
        advance(lane);
        return true;
      }
      diverge(
        `its history has ${describe(recorded.type, detailsOf(recorded))} where the run produced ${describe(type, details)}${where(lane)}`,
      );
      return true;
    },
    /** Takes the recorded events of the task attempt the lane has reached (none when the lane is past its history). */
    takeAttempt: (lane: Lane): RecordedAttempt | undefined => {
      if (diverged || !next(lane)) return undefined;
      let scheduled: HistoryEvent | undefined;
      let submitted = false;
      for (let event = next(lane); event && TASK_EVENT.test(event.type); event = next(lane)) {
        advance(lane);
        if (event.type.endsWith('Scheduled')) scheduled = event;
        if (event.type === 'TaskSubmitted') submitted = true;
        const outcome = outcomeOf(event);
        if (outcome) return { scheduled, submitted, outcome };
      }
      return { scheduled, submitted, outcome: undefined };
    },
    diverge,
    diverged: () => diverged,
  };
};

type Replay = ReturnType<typeof createReplay>;

export type { Outcome, RecordedAttempt, Replay };
export { createReplay, detailsOf, RESUME_ERROR };

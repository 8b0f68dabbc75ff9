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

const createReplay = (record: ExecutionRecord, onDiverge: (reason: string) => void) => {
  const end = record.history.length;
  let at = 0;
  let diverged = false;

  const diverge = (reason: string) => {
    if (diverged) return;
    diverged = true;
    at = end;
    onDiverge(`The local cloud could not resume this execution after a restart: ${reason}`);
  };

  return {
    /** True while recorded events remain to be matched. */
    active: () => at < end,
    /** The next recorded event, while replaying. */
    peek: (): HistoryEvent | undefined => (at < end ? record.history[at] : undefined),
    /** An event the run produced again: true when it matched the history (or replay just stopped on it). */
    consume: (type: string, details: Record<string, unknown> | undefined): boolean => {
      if (at >= end) return false;
      const recorded = record.history[at];
      if (recorded && same(recorded, type, details)) {
        at++;
        return true;
      }
      const was = recorded ? describe(recorded.type, detailsOf(recorded)) : 'nothing';
      diverge(`its history has ${was} where the run produced ${describe(type, details)}`);
      return true;
    },
    /** Takes the recorded events of the task attempt the run has reached. */
    takeAttempt: (): RecordedAttempt => {
      let scheduled: HistoryEvent | undefined;
      let submitted = false;
      while (at < end) {
        const event = record.history[at];
        if (!event || !TASK_EVENT.test(event.type)) break;
        at++;
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

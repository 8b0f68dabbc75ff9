// Turns an execution's history into a readable timeline: each state, how long it took, and how it ended.

interface HistoryEventLike {
  readonly type?: string;
  readonly timestamp?: Date | number | string;
  readonly stateEnteredEventDetails?: { name?: string };
  readonly stateExitedEventDetails?: { name?: string };
  readonly [key: string]: unknown;
}

interface ExecutionLike {
  readonly name: string;
  readonly workflow: string;
  readonly status: string;
  readonly startDate?: Date | number | string;
  readonly stopDate?: Date | number | string;
  readonly error?: string;
}

interface TimelineStep {
  readonly state: string;
  readonly startedMs: number;
  durationMs: number | undefined;
  outcome: string;
}

const ms = (value: Date | number | string | undefined): number =>
  value === undefined ? Number.NaN : new Date(value).getTime();

const FAILURE = /(Failed|TimedOut|Aborted)$/;

const stepsOf = (history: readonly HistoryEventLike[]): TimelineStep[] => {
  const steps: TimelineStep[] = [];
  const open = new Map<string, TimelineStep>();
  let last: TimelineStep | undefined;
  for (const event of history) {
    const type = event.type ?? '';
    const at = ms(event.timestamp);
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      const step: TimelineStep = {
        state: event.stateEnteredEventDetails.name,
        startedMs: at,
        durationMs: undefined,
        outcome: 'running',
      };
      steps.push(step);
      open.set(step.state, step);
      last = step;
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const step = open.get(event.stateExitedEventDetails.name);
      if (step) {
        step.durationMs = at - step.startedMs;
        if (step.outcome === 'running') step.outcome = 'ok';
        open.delete(step.state);
      }
    } else if (FAILURE.test(type) && last && !type.startsWith('Execution')) {
      const details = Object.values(event).find((v) => v && typeof v === 'object' && 'error' in (v as object)) as
        | { error?: string }
        | undefined;
      last.outcome = `${type.replace(/^(Lambda)?(Function|Task)?/, '').toLowerCase() || 'failed'}${details?.error ? `: ${details.error}` : ''}`;
    } else if (type === 'TaskSubmitted' && last) {
      last.outcome = 'waiting for a callback';
    }
  }
  return steps;
};

const formatDuration = (value: number | undefined): string => {
  if (value === undefined || Number.isNaN(value)) return '…';
  if (value < 1000) return `${value} ms`;
  if (value < 120_000) return `${(value / 1000).toFixed(1)} s`;
  if (value < 7_200_000) return `${Math.round(value / 60_000)} min`;
  return `${(value / 3_600_000).toFixed(1)} h`;
};

const formatTimeline = (execution: ExecutionLike, history: readonly HistoryEventLike[]): string => {
  const total = ms(execution.stopDate) - ms(execution.startDate);
  const header = `${execution.workflow} ${execution.name}: ${execution.status}${execution.error ? ` (${execution.error})` : ''} in ${formatDuration(Number.isNaN(total) ? undefined : total)}`;
  const steps = stepsOf(history);
  // Fail and Succeed states end the execution without a StateExited event: they end with it.
  if (execution.status !== 'RUNNING' && execution.status !== 'WAITING') {
    for (const step of steps.filter((s) => s.outcome === 'running')) {
      step.durationMs = Math.max(0, ms(execution.stopDate) - step.startedMs) || 0;
      step.outcome = execution.status === 'SUCCEEDED' ? 'ok' : execution.status.toLowerCase();
    }
  }
  const lines = steps.map(
    (step) => `  ${step.state.padEnd(32)} ${formatDuration(step.durationMs).padStart(8)}  ${step.outcome}`,
  );
  return [header, ...lines].join('\n');
};

export type { ExecutionLike, HistoryEventLike, TimelineStep };
export { formatDuration, formatTimeline, stepsOf };

// Retry backoff on the clock. The library runs with a 0 ms retry interval for our Task states; this module mirrors its
// retrier matching (same order, same defaults, same attempt counting) to know which backoff AWS would apply, and the
// next attempt of the state sleeps that long on the clock before it starts.
import type { Retrier } from './definition.ts';

const DEFAULTS = { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2 } as const;

interface RetryState {
  attempts: number[];
  /** The backoff the next attempt must wait for, set when an attempt failed with a retried error. */
  pendingMs: number | undefined;
}

const matches = (pattern: string, errorName: string, isTimeout: boolean) =>
  pattern === errorName || pattern === 'States.ALL' || (pattern === 'States.TaskFailed' && !isTimeout);

const createRetryBook = () => {
  const states = new Map<string, RetryState>();

  const stateOf = (key: string, retriers: readonly Retrier[]) => {
    let state = states.get(key);
    if (!state) {
      state = { attempts: retriers.map(() => 0), pendingMs: undefined };
      states.set(key, state);
    }
    return state;
  };

  /** The backoff to wait before this attempt (0 on a first attempt). */
  const takeBackoff = (key: string): number => {
    const state = states.get(key);
    const ms = state?.pendingMs ?? 0;
    if (state) state.pendingMs = undefined;
    return ms;
  };

  /** Records a failed attempt; the library retries exactly when this schedules a backoff. */
  const failed = (key: string, retriers: readonly Retrier[], errorName: string, isTimeout: boolean) => {
    const state = stateOf(key, retriers);
    for (const [i, retrier] of retriers.entries()) {
      if (!retrier.ErrorEquals.some((p) => matches(p, errorName, isTimeout))) continue;
      const attempt = state.attempts[i] ?? 0;
      if (attempt >= (retrier.MaxAttempts ?? DEFAULTS.maxAttempts)) break;
      const interval =
        (retrier.IntervalSeconds ?? DEFAULTS.intervalSeconds) *
        (retrier.BackoffRate ?? DEFAULTS.backoffRate) ** attempt;
      const capped = retrier.MaxDelaySeconds ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
      const ms = capped * 1000;
      state.attempts[i] = attempt + 1;
      state.pendingMs = retrier.JitterStrategy === 'FULL' ? Math.floor(Math.random() * (ms + 1)) : ms;
      return;
    }
    // No retry: the state is caught or fails, and its next entry starts counting afresh.
    states.delete(key);
  };

  const succeeded = (key: string) => states.delete(key);

  return { takeBackoff, failed, succeeded };
};

type RetryBook = ReturnType<typeof createRetryBook>;

export type { RetryBook };
export { createRetryBook };

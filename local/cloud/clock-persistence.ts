// The wall clock's advance, kept in the data directory: `POST /_smcp/clock` moves `smcp local`'s clock forward, and a
// restarted process goes on from there (plus the time it was stopped), so time never goes back across a restart — a
// grace period the clock was moved over stays passed, and nothing judged against the later time is judged again
// against an earlier one. Saved after every advance and when the store closes. Only the default (real) clock is kept:
// a test's manual clock is the test's to set.
import type { AdvanceableClock } from '../clock.ts';
import type { Store } from '../store/index.ts';
import { createRows, type Rows } from '../store/rows.ts';
import type { Persistent } from './persistence.ts';

const KIND = 'clock';
const KEY = 'clock';

interface SavedClock {
  /** How far the local clock was ahead of the wall clock. */
  readonly offsetMs: number;
  /** The local clock when it was saved: the restarted clock is never earlier (a wall clock set back meanwhile). */
  readonly localTime: string;
}

const isSavedClock = (value: unknown): value is SavedClock => {
  const saved = value as Partial<SavedClock> | null;
  return (
    typeof saved === 'object' &&
    saved !== null &&
    typeof saved.offsetMs === 'number' &&
    Number.isFinite(saved.offsetMs) &&
    typeof saved.localTime === 'string' &&
    Number.isFinite(Date.parse(saved.localTime))
  );
};

const keepClock = (
  clock: AdvanceableClock,
  log: (line: string) => void,
  wallNow: () => number = Date.now,
): { clock: AdvanceableClock; part: Persistent } => {
  let rows: Rows | undefined;
  const save = () => {
    const now = clock.now().getTime();
    rows?.write(KEY, { offsetMs: now - wallNow(), localTime: new Date(now).toISOString() } satisfies SavedClock);
  };
  const kept: AdvanceableClock = {
    now: () => clock.now(),
    sleep: (ms) => clock.sleep(ms),
    advance: async (ms, between) => {
      await clock.advance(ms, between);
      save();
      await rows?.commit();
    },
  };
  const part: Persistent = {
    attachStore: async (store: Store) => {
      rows = createRows(store, KIND);
      const saved = rows.saved().find(([key]) => key === KEY)?.[1];
      if (saved !== undefined && !isSavedClock(saved)) {
        log(`[clock] the data directory's saved clock is unreadable (${JSON.stringify(saved)}): on the wall clock`);
      } else if (saved) {
        const resumeAt = Math.max(wallNow() + saved.offsetMs, Date.parse(saved.localTime));
        const ahead = resumeAt - clock.now().getTime();
        if (ahead > 0) {
          await clock.advance(ahead);
          log(
            `[clock] resumed at ${new Date(resumeAt).toISOString()}, ${Math.round(ahead / 1000)} s ahead of the wall clock`,
          );
        }
      }
      save();
      await rows.commit();
    },
    restore: () => {},
    flush: save,
  };
  return { clock: kept, part };
};

export { keepClock };

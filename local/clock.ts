// Time for the local cloud. Everything that waits (Wait states, retry backoff, visibility timeouts, schedules,
// deletion windows) goes through a Clock, so tests advance time instead of sleeping.
//
// Two clocks can be moved forward (`POST /_smcp/clock {"advanceSeconds": N}`, docs/local-cloud.md): the manual clock
// of tests and replays, which moves only when told, and the real clock `smcp local` runs on, which follows the wall
// clock plus whatever it was advanced by. Either way, advancing fires the timers that come due in order, each at its
// own instant, so a daily schedule advanced over by 30 days fires 30 times, each on its day.

interface Clock {
  now(): Date;
  /** Resolves once `ms` of this clock's time has passed. */
  sleep(ms: number): Promise<void>;
}

/** Runs between two timers an advance fires (the local cloud passes `whenIdle`, so each firing's work settles). */
type Between = () => Promise<void>;

interface AdvanceableClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting the work they start settle in between. */
  advance(ms: number, between?: Between): Promise<void>;
}

interface ManualClock extends AdvanceableClock {
  /** Moves time to the next pending timer, if any; returns false when none is pending. */
  runNext(): Promise<boolean>;
  pending(): number;
}

// Let promise chains started by a timer run (several hops of microtasks and I/O) before the next one fires.
const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const isAdvanceable = (clock: Clock): clock is AdvanceableClock =>
  typeof (clock as Partial<AdvanceableClock>).advance === 'function';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Timers in due order (earliest first, then the order they were set). */
const createTimers = () => {
  let sequence = 0;
  const timers: Timer[] = [];
  return {
    add: (at: number, fire: () => void): Timer => {
      const timer = { at, seq: sequence++, fire };
      timers.push(timer);
      return timer;
    },
    remove: (timer: Timer) => {
      const index = timers.indexOf(timer);
      if (index >= 0) timers.splice(index, 1);
    },
    /** The earliest timer due at or before `until`, taken off the list. */
    takeDue: (until: number): Timer | undefined => {
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers[0];
      if (!next || next.at > until) return undefined;
      timers.shift();
      return next;
    },
    size: () => timers.length,
  };
};

// setTimeout cannot wait longer than this (about 24.8 days); longer sleeps wait in steps.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The wall clock, plus what it has been advanced by. */
const createRealClock = (): AdvanceableClock => {
  let offset = 0;
  const timers = createTimers();
  const handles = new Map<Timer, ReturnType<typeof setTimeout>>();
  const now = () => Date.now() + offset;
  const arm = (timer: Timer) => {
    const handle = setTimeout(
      () => {
        if (now() < timer.at) return arm(timer);
        handles.delete(timer);
        timers.remove(timer);
        timer.fire();
      },
      Math.min(MAX_TIMEOUT_MS, Math.max(0, timer.at - now())),
    );
    handle.unref?.();
    handles.set(timer, handle);
  };
  return {
    now: () => new Date(now()),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        arm(timers.add(now() + Math.max(0, ms), () => resolve()));
      }),
    async advance(ms, between = () => settle()) {
      const target = now() + Math.max(0, ms);
      for (let timer = timers.takeDue(target); timer; timer = timers.takeDue(target)) {
        clearTimeout(handles.get(timer));
        handles.delete(timer);
        // Time stands at the timer's instant while it fires (never behind where it already is).
        offset = Math.max(offset, timer.at - Date.now());
        timer.fire();
        await settle();
        await between();
      }
      offset = Math.max(offset, target - Date.now());
      // The timers still pending are that much nearer now: wait for them by the new time.
      for (const [timer, handle] of [...handles]) {
        clearTimeout(handle);
        arm(timer);
      }
      await between();
    },
  };
};

const createManualClock = (start: Date | string | number = '2026-01-05T09:00:00Z'): ManualClock => {
  let current = new Date(start).getTime();
  const timers = createTimers();

  const fireDue = async (until: number, between: Between) => {
    for (let timer = timers.takeDue(until); timer; timer = timers.takeDue(until)) {
      current = Math.max(current, timer.at);
      timer.fire();
      await settle();
      await between();
    }
    current = Math.max(current, until);
  };

  return {
    now: () => new Date(current),
    sleep(ms) {
      return new Promise<void>((resolve) => {
        timers.add(current + Math.max(0, ms), resolve);
      });
    },
    async advance(ms, between = async () => {}) {
      await settle();
      await fireDue(current + Math.max(0, ms), between);
      await settle();
      await between();
    },
    async runNext() {
      await settle();
      const next = timers.takeDue(Number.POSITIVE_INFINITY);
      if (!next) return false;
      current = Math.max(current, next.at);
      next.fire();
      await settle();
      await fireDue(current, async () => {});
      await settle();
      return true;
    },
    pending: () => timers.size(),
  };
};

export type { AdvanceableClock, Between, Clock, ManualClock };
export { createManualClock, createRealClock, isAdvanceable, settle };

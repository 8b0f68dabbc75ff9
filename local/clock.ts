// Time for the local cloud. Everything that waits (Wait states, retry backoff, visibility timeouts, schedules,
// deletion windows) goes through a Clock, so tests advance time instead of sleeping.

interface Clock {
  now(): Date;
  /** Resolves once `ms` of this clock's time has passed. */
  sleep(ms: number): Promise<void>;
}

interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in order and letting the work they start settle in between. */
  advance(ms: number): Promise<void>;
  /** Moves time to the next pending timer, if any; returns false when none is pending. */
  runNext(): Promise<boolean>;
  pending(): number;
}

// Let promise chains started by a timer run (several hops of microtasks and I/O) before the next one fires.
const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const createRealClock = (): Clock => ({
  now: () => new Date(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)).unref?.()),
});

const createManualClock = (start: Date | string | number = '2026-01-05T09:00:00Z'): ManualClock => {
  let current = new Date(start).getTime();
  let sequence = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];

  const fireDue = async (until: number) => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      current = Math.max(current, next.at);
      next.fire();
      await settle();
    }
    current = Math.max(current, until);
  };

  return {
    now: () => new Date(current),
    sleep(ms) {
      return new Promise<void>((resolve) => {
        timers.push({ at: current + Math.max(0, ms), seq: sequence++, fire: resolve });
      });
    },
    async advance(ms) {
      await settle();
      await fireDue(current + ms);
      await settle();
    },
    async runNext() {
      await settle();
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers[0];
      if (!next) return false;
      await fireDue(next.at);
      await settle();
      return true;
    },
    pending: () => timers.length,
  };
};

export type { Clock, ManualClock };
export { createManualClock, createRealClock, settle };

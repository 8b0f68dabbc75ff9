// The real clock's advance kept in the data directory's store (local/cloud/clock-persistence.ts), driven here by a
// manual clock and a hand-set wall clock so that every instant is exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { keepClock } from '../../local/cloud/clock-persistence.ts';
import { openStore } from '../../local/store/index.ts';

const hour = 3_600_000;
const day = 24 * hour;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One run of a process: a store on `dir`, a clock that starts at the wall clock `wall`. */
const run = async (dir: string, wall: number, lines: string[] = []) => {
  const store = openStore(dir, () => {});
  const kept = keepClock(
    createManualClock(wall),
    (line) => lines.push(line),
    () => wall,
  );
  await kept.part.attachStore(store);
  return {
    clock: kept.clock,
    stop: async () => {
      kept.part.flush?.();
      await store.close();
    },
  };
};

describe('the local clock across restarts', () => {
  const t0 = Date.UTC(2026, 0, 5, 9);
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'smcp-clock-'));
    dirs.push(dir);
    return dir;
  };

  it('starts on the wall clock, and resumes as far ahead of it as it was moved', async () => {
    const dir = dataDir();
    const first = await run(dir, t0);
    expect(first.clock.now().getTime()).toBe(t0);
    await first.clock.advance(2 * day);
    await first.stop();

    // Restarted an hour (of wall-clock time) later: two days and an hour after the first start.
    const lines: string[] = [];
    const second = await run(dir, t0 + hour, lines);

    expect(second.clock.now().getTime()).toBe(t0 + 2 * day + hour);
    expect(lines).toEqual([
      `[clock] resumed at ${new Date(t0 + 2 * day + hour).toISOString()}, 172800 s ahead of the wall clock`,
    ]);
    await second.stop();
  });

  it('never resumes earlier than it stopped, even when the wall clock was set back meanwhile', async () => {
    const dir = dataDir();
    const first = await run(dir, t0);
    await first.clock.advance(day);
    await first.stop();

    const second = await run(dir, t0 - 3 * day);

    expect(second.clock.now().getTime()).toBe(t0 + day);
    await second.stop();
  });

  it('fires what falls due while it catches up, each at its own instant', async () => {
    const dir = dataDir();
    const first = await run(dir, t0);
    await first.clock.advance(day);
    await first.stop();

    const store = openStore(dir, () => {});
    const manual = createManualClock(t0);
    const fired: number[] = [];
    void manual.sleep(hour).then(() => fired.push(manual.now().getTime()));
    const kept = keepClock(
      manual,
      () => {},
      () => t0,
    );
    await kept.part.attachStore(store);
    await store.close();

    expect(fired).toEqual([t0 + hour]);
    expect(kept.clock.now().getTime()).toBe(t0 + day);
  });

  it('says so and stays on the wall clock when the saved clock is unreadable', async () => {
    const dir = dataDir();
    const store = openStore(dir, () => {});
    store.put('clock', 'clock', JSON.stringify({ offsetMs: 'soon' }));
    await store.close();

    const lines: string[] = [];
    const second = await run(dir, t0, lines);

    expect(second.clock.now().getTime()).toBe(t0);
    expect(lines).toEqual([
      `[clock] the data directory's saved clock is unreadable ({"offsetMs":"soon"}): on the wall clock`,
    ]);
    await second.stop();
  });
});

// detect-spikes' business function with in-memory fakes of its adapters: which minutes it feeds, and what it sends.
import { describe, expect, it, vi } from 'vitest';
import type { ReadWindow } from '../../functions/reads/adapters/counters.ts';
import type { DetectorStore } from '../../functions/reads/adapters/detector-store.ts';
import type { StoredDetector } from '../../functions/reads/domain/detect-window.ts';
import { defaultDetectorParams } from '../../functions/reads/domain/detector.ts';
import { DetectorStateConflictError } from '../../functions/reads/errors.ts';
import { createDetect } from '../../functions/reads/steps/detect.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { MINUTE, seededState } from './support.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const NOW = Date.parse('2026-01-07T10:20:30Z');
// With a 5-minute allowance, the last closed minute at 10:20:30 is 10:14.
const LAST_CLOSED = Date.parse('2026-01-07T10:14:00Z');

/** The counters as one run sees them (`window`), from plain functions; `windows` records each window asked for. */
const view = (answers: Omit<ReadWindow, 'usage'>) => {
  const windows: [number, number][] = [];
  return {
    windows,
    window: async (from: number, to: number) => {
      windows.push([from, to]);
      return { ...answers, usage: () => [] };
    },
  };
};

/** detect-spikes over the given counters, store and bus, with the default parameters and a 5-minute allowance. */
const detectWith = (counters: ReturnType<typeof view>, store: DetectorStore, bus: { publish: () => Promise<void> }) =>
  createDetect({
    counters,
    store,
    bus,
    logger: createLogger('test'),
    params: defaultDetectorParams,
    closeAfterMs: 5 * MINUTE,
  });

/** `through`: the last closed minute of the last saved run (by default the one that last fed `stored`). */
const fakes = (counts: Map<number, number>, stored?: StoredDetector, through = stored?.last) => {
  const states = new Map<string, StoredDetector>(stored ? [[ARN, stored]] : []);
  const counters = view({
    activeSecrets: (minutes: readonly number[]) => new Map(minutes.filter((m) => counts.has(m)).map((m) => [m, [ARN]])),
    bucketCounts: (_arn: string, from: number, to: number) =>
      new Map([...counts].filter(([m]) => m >= from && m <= to)),
    readers: () => ({
      principals: [{ principal: 'arn:aws:iam::000000000000:user/ci|AKIA9', count: 100 }],
      sourceIps: ['198.51.100.7'],
      userAgents: ['curl/8.5'],
      regions: ['us-east-1'],
    }),
  });
  const saves: number[] = [];
  const store = {
    load: async () => ({ detectors: new Map(states), etag: 'e1', through }),
    save: async (snapshot: { detectors: Map<string, StoredDetector> }, now: number) => {
      saves.push(now);
      states.clear();
      for (const [arn, value] of snapshot.detectors) states.set(arn, value);
      return { saved: states.size, dropped: 0 };
    },
  } satisfies DetectorStore;
  const bus = { publish: vi.fn(async () => {}) };
  return { detect: detectWith(counters, store, bus), states, bus, saves, windows: counters.windows };
};

/** A detector that has seen two days of ~5 reads a minute, up to `last`. */
const warmed = (last: number): StoredDetector => seededState(last + MINUTE, () => 5, 2);

describe('detect-spikes', () => {
  it('feeds every minute since the detector’s last one, zeros included, and announces a burst once', async () => {
    const stored = warmed(LAST_CLOSED - 10 * MINUTE);
    const burst = LAST_CLOSED - 2 * MINUTE;
    const { detect, states, bus, saves } = fakes(new Map([[burst, 105]]), stored);

    const summary = await detect(new Date(NOW));

    expect(saves).toEqual([LAST_CLOSED]);
    expect(summary).toMatchObject({ closedThrough: '2026-01-07T10:14:00.000Z', secrets: 1 });
    expect(states.get(ARN)?.last).toBe(LAST_CLOSED);
    expect(states.get(ARN)?.state.n).toBe(stored.state.n + 10);
    expect(bus.publish).toHaveBeenCalledTimes(1);
    expect(bus.publish).toHaveBeenCalledWith(
      'Read Spike Detected',
      expect.objectContaining({
        secretId: ARN,
        windowStart: new Date(burst).toISOString(),
        observed: 105,
        topPrincipals: [{ principal: 'arn:aws:iam::000000000000:user/ci', accessKeyId: 'AKIA9', count: 100 }],
      }),
      [ARN],
    );
  });

  it('after a 40-minute outage of its runs, feeds a burst that fell in the outage, though nothing was read since', async () => {
    // The last run fed the detector through 10:14 − 45 min; the runs after it failed; the burst was at 10:14 − 40 min.
    const stored = warmed(LAST_CLOSED - 45 * MINUTE);
    const burst = LAST_CLOSED - 40 * MINUTE;
    const { detect, states, bus } = fakes(new Map([[burst, 105]]), stored);

    const summary = await detect(new Date(NOW));

    expect(summary.secrets).toBe(1);
    expect(states.get(ARN)?.last).toBe(LAST_CLOSED);
    expect(states.get(ARN)?.state.n).toBe(stored.state.n + 45);
    expect(bus.publish).toHaveBeenCalledWith(
      'Read Spike Detected',
      expect.objectContaining({ windowStart: new Date(burst).toISOString(), observed: 105 }),
      [ARN],
    );
  });

  it('after a 3-hour outage, looks back to the last saved run: a burst two hours ago is fed as reads and alerts', async () => {
    const stored = warmed(LAST_CLOSED - 180 * MINUTE);
    const burst = LAST_CLOSED - 120 * MINUTE;
    // The burst is outside the hour a run looks back; a read since makes the secret one to look at.
    const { detect, states, bus, windows } = fakes(
      new Map([
        [burst, 105],
        [LAST_CLOSED - 5 * MINUTE, 5],
      ]),
      stored,
    );

    const summary = await detect(new Date(NOW));

    expect(windows).toEqual([
      [LAST_CLOSED - 59 * MINUTE, LAST_CLOSED],
      [LAST_CLOSED - 179 * MINUTE, LAST_CLOSED],
    ]);
    expect(summary.secrets).toBe(1);
    expect(states.get(ARN)?.state.n).toBe(stored.state.n + 180);
    expect(bus.publish).toHaveBeenCalledWith(
      'Read Spike Detected',
      expect.objectContaining({ windowStart: new Date(burst).toISOString(), observed: 105 }),
      [ARN],
    );
  });

  it('looks back at most a day after a longer outage, and only the hour when the last save is recent', async () => {
    const longAgo = LAST_CLOSED - 3 * 24 * 60 * MINUTE;
    const { detect, windows } = fakes(new Map([[LAST_CLOSED - 5 * MINUTE, 5]]), warmed(longAgo));
    await detect(new Date(NOW));
    expect(windows.at(-1)).toEqual([LAST_CLOSED - (24 * 60 - 1) * MINUTE, LAST_CLOSED]);

    const recent = fakes(new Map([[LAST_CLOSED - 5 * MINUTE, 5]]), warmed(LAST_CLOSED - 30 * MINUTE));
    await recent.detect(new Date(NOW));
    expect(recent.windows).toEqual([[LAST_CLOSED - 59 * MINUTE, LAST_CLOSED]]);
  });

  it('does nothing for a detector that has already seen the last closed minute (a repeated run)', async () => {
    const stored = warmed(LAST_CLOSED);
    const { detect, states, bus, saves } = fakes(new Map([[LAST_CLOSED, 105]]), stored);

    const summary = await detect(new Date(NOW));
    expect(saves).toEqual([]);

    expect(summary.secrets).toBe(0);
    expect(states.get(ARN)).toBe(stored);
    expect(bus.publish).not.toHaveBeenCalled();
  });

  it('leaves a secret alone once it has been fed past its last read, though the read is still in the look-back', async () => {
    const read = LAST_CLOSED - 4 * MINUTE;
    const stored = warmed(LAST_CLOSED - MINUTE);
    const { detect, states, bus } = fakes(new Map([[read, 5]]), stored);

    const summary = await detect(new Date(NOW));

    // The minute after is a zero the detector is fed with the secret's next read: no save for a minute nobody read.
    expect(summary.secrets).toBe(0);
    expect(states.get(ARN)).toBe(stored);
    expect(bus.publish).not.toHaveBeenCalled();
  });

  it('starts a new secret at its first read and stays quiet during warm-up', async () => {
    const { detect, states, bus } = fakes(new Map([[LAST_CLOSED - 3 * MINUTE, 500]]));

    await detect(new Date(NOW));

    expect(states.get(ARN)?.state.n).toBe(4);
    expect(bus.publish).not.toHaveBeenCalled();
  });

  /** Two warmed secrets both bursting two minutes ago, with the store and the bus a test gives. */
  const twoBursts = (store: DetectorStore, bus: { publish: () => Promise<void> }) => {
    const burst = LAST_CLOSED - 2 * MINUTE;
    const counters = view({
      activeSecrets: () => new Map([[burst, [ARN, OTHER]]]),
      bucketCounts: () => new Map([[burst, 105]]),
      readers: () => ({ principals: [], sourceIps: [], userAgents: [], regions: [] }),
    });
    return detectWith(counters, store, bus);
  };
  const OTHER = `${ARN.slice(0, -6)}OtHeR1`;
  const warmedPair = () =>
    new Map([
      [ARN, warmed(LAST_CLOSED - 10 * MINUTE)],
      [OTHER, warmed(LAST_CLOSED - 10 * MINUTE)],
    ]);

  it('saves every fed detector in one save, and sends no alert when another run saved first', async () => {
    const states = warmedPair();
    let conflict = true;
    const saved: Map<string, StoredDetector>[] = [];
    const store = {
      load: async () => ({ detectors: new Map(states), etag: 'e1', through: LAST_CLOSED - 10 * MINUTE }),
      save: async (snapshot: { detectors: Map<string, StoredDetector> }) => {
        if (conflict) throw new DetectorStateConflictError('s3://bucket/detectors/detectors.json.gz');
        saved.push(new Map(snapshot.detectors));
        return { saved: snapshot.detectors.size, dropped: 0 };
      },
    } satisfies DetectorStore;
    const bus = { publish: vi.fn(async () => {}) };
    const detect = twoBursts(store, bus);

    await expect(detect(new Date(NOW))).rejects.toThrow(DetectorStateConflictError);
    expect(bus.publish).not.toHaveBeenCalled();

    conflict = false;
    const summary = await detect(new Date(NOW));
    expect(summary.secrets).toBe(2);
    expect(saved).toHaveLength(1);
    expect([...(saved[0]?.keys() ?? [])].sort()).toEqual([ARN, OTHER].sort());
    expect(bus.publish).toHaveBeenCalledTimes(2);
  });

  it('tries every alert when one cannot be sent, and then fails the run', async () => {
    const states = warmedPair();
    const store = {
      load: async () => ({ detectors: new Map(states), etag: undefined, through: undefined }),
      save: async (snapshot: { detectors: Map<string, StoredDetector> }) => ({
        saved: snapshot.detectors.size,
        dropped: 0,
      }),
    } satisfies DetectorStore;
    const bus = {
      publish: vi.fn<() => Promise<void>>().mockRejectedValueOnce(new Error('throttled')).mockResolvedValue(undefined),
    };

    await expect(twoBursts(store, bus)(new Date(NOW))).rejects.toThrow('throttled');
    expect(bus.publish).toHaveBeenCalledTimes(2);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createDetectorState,
  type DetectorParams,
  type DetectorResult,
  type DetectorState,
  defaultDetectorParams,
  updateDetector,
} from '../../functions/reads/domain/detector.ts';
import {
  emptyLikelihood,
  type LikelihoodState,
  normalTailLog10,
  updateLikelihood,
} from '../../functions/reads/domain/likelihood.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
// A Monday, 00:00 UTC.
const start = Date.UTC(2025, 0, 6);

// Deterministic noise (LCG + Box–Muller) so every run sees the same series.
const noise = (seed: number): (() => number) => {
  let s = seed;
  const uniform = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (s + 1) / 2_147_483_649;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
};

/** Counts around `mean(t)` with Poisson-like spread. */
const series = (minutes: number, mean: (t: number) => number, seed = 1): { timestamp: number; count: number }[] => {
  const gauss = noise(seed);
  return Array.from({ length: minutes }, (_, i) => {
    const timestamp = start + i * minute;
    const m = mean(timestamp);
    return { timestamp, count: Math.max(0, Math.round(m + Math.sqrt(m) * gauss())) };
  });
};

const run = (
  buckets: readonly { timestamp: number; count: number }[],
  params: DetectorParams = defaultDetectorParams,
): DetectorResult[] => {
  let state = createDetectorState(params);
  return buckets.map((b) => {
    const result = updateDetector(state, b, params);
    state = result.state;
    return result;
  });
};

const alertTimes = (buckets: readonly { timestamp: number }[], results: readonly DetectorResult[]): number[] =>
  results.flatMap((r, i) => (r.alert ? [buckets[i]?.timestamp ?? 0] : []));

describe('read-spike detector', () => {
  it('stays quiet on a steady series', () => {
    const results = run(series(3 * 24 * 60, () => 50));

    expect(results.filter((r) => r.alert)).toHaveLength(0);
    expect(results.at(-1)?.expected).toBeGreaterThan(40);
    expect(results.at(-1)?.expected).toBeLessThan(60);
  });

  it('raises one alert for a 20× burst, however many buckets it lasts', () => {
    const burstAt = start + 2 * day + 10 * hour;
    const buckets = series(3 * 24 * 60, (t) => (t >= burstAt && t < burstAt + 30 * minute ? 200 : 10));

    const results = run(buckets);

    const alerts = results.flatMap((r, i) => (r.alert ? [buckets[i]?.timestamp] : []));
    expect(alerts).toEqual([burstAt]);
    expect(results.filter((r) => r.isAnomaly).length).toBeGreaterThan(1);
    const first = results[buckets.findIndex((b) => b.timestamp === burstAt)];
    expect(first?.score).toBeGreaterThan(0.5);
    expect(first?.expected).toBeLessThan(20);
  });

  it('alerts again for a burst in a later episode', () => {
    const bursts = [start + 2 * day + 10 * hour, start + 9 * day + 15 * hour];
    const buckets = series(11 * 24 * 60, (t) => (bursts.some((b) => t >= b && t < b + 20 * minute) ? 200 : 10));

    const alerts = run(buckets).flatMap((r, i) => (r.alert ? [buckets[i]?.timestamp] : []));

    expect(alerts).toEqual(bursts);
  });

  it('keeps a short burst one episode in hourly buckets while the likelihood window still holds it', () => {
    // Hourly buckets (a benchmark's, or a coarser feed's): the window of ten buckets spans ten hours, longer than the
    // episode gap, and once the burst has been in it for a few buckets it must not alert again on an ordinary hour.
    for (const seed of [1, 2, 3]) {
      const gauss = noise(seed);
      const burstAt = start + 14 * day;
      const buckets = Array.from({ length: 16 * 24 }, (_, i) => {
        const timestamp = start + i * hour;
        const usual = 1000 + 300 * Math.sin((2 * Math.PI * (i % 24)) / 24) + 30 * gauss();
        const burst = timestamp >= burstAt && timestamp < burstAt + 2 * hour ? 3 : 1;
        return { timestamp, count: Math.max(0, Math.round(usual)) * burst };
      });

      expect(alertTimes(buckets, run(buckets))).toEqual([burstAt]);
    }
  });

  it('learns a daily peak and does not alarm on it after warm-up', () => {
    // Every day 09:00–10:00 UTC a batch job reads 20× the usual volume.
    const daily = (t: number): number => ((t - start) % day >= 9 * hour && (t - start) % day < 10 * hour ? 200 : 10);
    const results = run(series(14 * 24 * 60, daily));

    const lastWeek = results.slice(7 * 24 * 60);
    expect(lastWeek.filter((r) => r.alert)).toHaveLength(0);
    // By then the expectation at the peak has caught up with it.
    const peakMinute = results[13 * 24 * 60 + 9 * 60 + 30];
    expect(peakMinute?.expected).toBeGreaterThan(100);
  });

  it('does not alarm when a rarely read secret goes from 0 to 3 reads', () => {
    const buckets = series(5 * 24 * 60, () => 0).map((b, i) => ({ ...b, count: i % 360 === 359 ? 3 : 0 }));

    const results = run(buckets);

    expect(results.filter((r) => r.isAnomaly)).toHaveLength(0);
  });

  it('keeps its state under 2 KB after a long run, identical when reloaded from JSON each bucket', () => {
    const buckets = series(30 * 24 * 60, (t) => 20 + 15 * Math.sin((2 * Math.PI * (t - start)) / day), 7);

    let inMemory = createDetectorState();
    let persisted = createDetectorState();
    let largest = 0;
    let same = true;
    for (const b of buckets) {
      const a = updateDetector(inMemory, b);
      const p = updateDetector(JSON.parse(JSON.stringify(persisted)), b);
      inMemory = a.state;
      persisted = p.state;
      largest = Math.max(largest, JSON.stringify(a.state).length);
      same &&= a.score === p.score && a.alert === p.alert;
    }

    expect(largest).toBeLessThanOrEqual(2048);
    expect(same).toBe(true);
    expect(persisted).toEqual(inMemory);
  });

  it('alerts on a repeat burst the next day: a past burst does not raise the bar', () => {
    const bursts = [start + 2 * day + 10 * hour, start + 3 * day + 14 * hour, start + 5 * day + 9 * hour];
    for (const seed of [1, 2, 3]) {
      const buckets = series(6 * 24 * 60, (t) => (bursts.some((b) => t >= b && t < b + 20 * minute) ? 200 : 10), seed);

      expect(alertTimes(buckets, run(buckets))).toEqual(bursts);
    }
  });

  it('catches a sustained rise that no single bucket makes obvious, within the hour', () => {
    // 20 → 34 reads a minute: each bucket is only ~3 Poisson deviations up, the half hour is not.
    const shiftAt = start + 3 * day + 14 * hour;
    for (const seed of [1, 2, 3]) {
      const buckets = series(5 * 24 * 60, (t) => (t >= shiftAt ? 34 : 20), seed);

      const alerts = alertTimes(buckets, run(buckets));

      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toBeGreaterThanOrEqual(shiftAt);
      expect(alerts[0]).toBeLessThan(shiftAt + hour);
    }
  });

  it('catches an hour above every hour before it when no bucket of it is beyond the range, once, when it ends', () => {
    // Five-minute buckets alternating 2 and 98 (a metric, not counts); for one hour they alternate 50 and 98: every
    // bucket is within the range seen and within a deviation of the key's noise, the hour's mean (74) is not.
    const riseAt = start + 3 * day + 14 * hour;
    const buckets = Array.from({ length: (5 * 24 * 60) / 5 }, (_, i) => {
      const timestamp = start + i * 5 * minute;
      const low = timestamp >= riseAt && timestamp < riseAt + hour ? 50 : 2;
      return { timestamp, count: i % 2 === 0 ? low + 0.5 : 98.5 };
    });

    const results = run(buckets);

    expect(alertTimes(buckets, results)).toEqual([riseAt + hour]);
    expect(results.at(-1)?.state.hc.k).toBeGreaterThan(100);
  });

  it('does not alarm when reads come back after an outage, and scores the outage only when asked to', () => {
    const outageAt = start + 3 * day + 14 * hour;
    const buckets = series(5 * 24 * 60, (t) => (t >= outageAt && t < outageAt + 3 * hour ? 0 : 50));

    expect(run(buckets).filter((r) => r.alert)).toHaveLength(0);

    const both = run(buckets, { ...defaultDetectorParams, direction: 'both' });
    const atOutage = both[buckets.findIndex((b) => b.timestamp === outageAt)];
    expect(atOutage?.alert).toBe(true);
    expect(atOutage?.direction).toBe(-1);
    expect(alertTimes(buckets, both).filter((t) => t > outageAt)).toEqual([]);
  });

  it('does not let a minor alert hide a major incident hours later', () => {
    const minorAt = start + 2 * day + 10 * hour;
    const majorAt = start + 2 * day + 16 * hour;
    const buckets = series(4 * 24 * 60, (t) =>
      t >= minorAt && t < minorAt + 10 * minute ? 60 : t >= majorAt && t < majorAt + 30 * minute ? 1000 : 10,
    );

    const results = run(buckets);

    expect(alertTimes(buckets, results)).toEqual([minorAt, majorAt]);
    const [minor, major] = results.filter((r) => r.alert);
    expect(major?.score).toBeGreaterThan(minor?.score ?? 1);
  });

  it('starts afresh from a state persisted by an older version', () => {
    const v2 = { v: 2, n: 5000, t0: start, t: start, lvl: 3, slow: 3, dev: 0.1, hod: [], how: [], ep: 0, al: 0 };
    // The shape v3 persisted (the detector before the anomaly likelihood), mid-episode.
    const v3 = { ...v2, v: 3, c: 1, pl: 3, pd: 0.1, mag: 3, sh: 0, shv: 0, hm: 0.8, hd: 0.5, hi: 9, lo: 0, dow: [] };

    // And v7's (before the single buckets' own history and the episode's bucket count).
    const { en: _en, ...current } = createDetectorState();
    const { bm: _bm, bs: _bs, ...lk } = current.lk;
    const v7 = { ...current, v: 7, n: 5000, t0: start, t: start, lk };

    for (const old of [v2, v3, v7]) {
      const result = updateDetector(old as unknown as DetectorState, { timestamp: start + minute, count: 10 });

      expect(result.state).toEqual({
        ...createDetectorState(),
        n: 1,
        t0: start + minute,
        t: start + minute,
        lvl: Number(Math.log1p(10).toPrecision(6)),
        mag: Number(Math.log1p(10).toPrecision(6)),
        hi: 10,
        lo: 10,
      });
      expect(result.alert).toBe(false);
    }
  });

  it('reads on a state persisted with the shape channel it no longer has (same version), dropping the table', () => {
    const buckets = series(3 * 24 * 60, () => 40, 5);
    let state = createDetectorState();
    for (const b of buckets) state = updateDetector(state, b).state;
    // v8 as persisted before the shape channel left: its table, last levels, window and rate under `cx`.
    const withShape = { ...state, cx: { x: '1'.repeat(256), q: [3, 4], w: '0000000000', r: 0.001, k: 4000 } };
    const burst = { timestamp: start + buckets.length * minute, count: 800 };

    const fromOld = updateDetector(withShape as DetectorState, burst);
    const fromNew = updateDetector(state, burst);

    expect(fromOld).toEqual(fromNew);
    expect(fromOld.state.n).toBe(buckets.length + 1);
    expect(fromOld.alert).toBe(true);
    expect(Object.keys(fromOld.state)).not.toContain('cx');
  });

  it('is deterministic', () => {
    const buckets = series(2 * 24 * 60, () => 30, 3);

    expect(run(buckets)).toEqual(run(buckets));
  });
});

/** Poisson counts by Knuth's method from the same seeded uniform stream: sparse series need real zeros and ones. */
const poisson = (seed: number): ((mean: number) => number) => {
  let s = seed;
  const uniform = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (s + 1) / 2_147_483_649;
  };
  return (mean) => {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = uniform(); p > limit; p *= uniform()) k++;
    return k;
  };
};

const poissonSeries = (minutes: number, mean: (t: number) => number, seed: number) => {
  const draw = poisson(seed);
  return Array.from({ length: minutes }, (_, i) => {
    const timestamp = start + i * minute;
    return { timestamp, count: draw(mean(timestamp)) };
  });
};

describe('read-spike detector contract', () => {
  it('keeps a bounded state: the same size after two months as after two days, always ≤ 2 KB of JSON', () => {
    // Work per bucket is a fixed number of steps over a fixed-size state, so the state's size is what would grow if
    // the detector kept history: it must not.
    const buckets = poissonSeries(60 * 24 * 60, (t) => 40 + 30 * Math.sin((2 * Math.PI * (t - start)) / day), 11);
    let state = createDetectorState();
    const sizes: number[] = [];
    buckets.forEach((b, i) => {
      state = updateDetector(state, b).state;
      if (i % 60 === 0) sizes.push(JSON.stringify(state).length);
    });
    const afterTwoDays = Math.max(...sizes.slice(0, 48));

    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(afterTwoDays + 64);
    expect(Object.keys(state).sort()).toEqual(Object.keys(createDetectorState()).sort());
    expect(state.hod).toHaveLength(24);
    expect(state.dow).toHaveLength(7);
    expect(state.rc).toHaveLength(144);
  });

  it('keeps a bounded state on a series of large fractional values (a benchmark metric, not counts)', () => {
    const gauss = noise(5);
    let state = createDetectorState();
    let largest = 0;
    for (let i = 0; i < 20 * 24 * 12; i++) {
      const timestamp = start + i * 5 * minute;
      const count = 3.7e8 * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 288)) + 2e7 * gauss();
      state = updateDetector(state, { timestamp, count }).state;
      largest = Math.max(largest, JSON.stringify(state).length);
    }

    expect(state.c).toBe(0);
    expect(largest).toBeLessThanOrEqual(2048);
  });

  it('scores nothing during the warm-up, however large the burst, and scores once warm', () => {
    const early = start + 6 * hour;
    const late = start + 2 * day + 6 * hour;
    const buckets = series(3 * 24 * 60, (t) =>
      (t >= early && t < early + 10 * minute) || (t >= late && t < late + 10 * minute) ? 500 : 10,
    );

    const results = run(buckets);

    const warmup = results.slice(0, 12 * 60);
    expect(warmup.every((r) => r.score === 0 && !r.isAnomaly && !r.alert)).toBe(true);
    expect(alertTimes(buckets, results)).toEqual([late]);
  });

  it('never alarms on the noise of a sparse secret read 0–3 times an hour', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      // About 1.5 reads an hour at random minutes, more by day than by night, for three weeks.
      const buckets = poissonSeries(
        21 * 24 * 60,
        (t) => (new Date(t).getUTCHours() >= 8 && new Date(t).getUTCHours() < 20 ? 2 : 1) / 60,
        seed,
      );

      expect(run(buckets).filter((r) => r.alert)).toEqual([]);
    }
  });

  it('never alarms on the noise of a key in hourly buckets (10 reads an hour by night, 30 by day)', () => {
    // A coarse bucket is calmer than a minute: the single-bucket bar follows the key's own buckets, so it must not
    // turn an hour of 19 reads against 8 expected into an alert.
    for (const seed of [1, 3, 7, 11, 13]) {
      const draw = poisson(seed);
      const buckets = Array.from({ length: 60 * 24 }, (_, i) => {
        const timestamp = start + i * hour;
        const h = new Date(timestamp).getUTCHours();
        return { timestamp, count: draw(h >= 8 && h < 20 ? 30 : 10) };
      });

      expect(alertTimes(buckets, run(buckets))).toEqual([]);
    }
  });

  it('never alarms on a trend: reads that double or triple over two weeks (with a daily shape, sparse) or fall', () => {
    const elapsed = (t: number) => (t - start) / (14 * day);
    const trends: Record<string, (t: number) => number> = {
      'doubling, 10 → 20 a minute': (t) => 10 + 10 * elapsed(t),
      'doubling, 2 → 4 a minute': (t) => 2 + 2 * elapsed(t),
      'tripling, with a daily shape': (t) =>
        (1 + 2 * elapsed(t)) * (3 + 6 * Math.max(0, Math.sin(((t % day) / day) * 2 * Math.PI))),
      'sparse, 3 → 30 an hour': (t) => 0.05 + 0.45 * elapsed(t),
      'falling, 20 → 5 a minute': (t) => 20 - 15 * elapsed(t),
    };
    for (const [name, mean] of Object.entries(trends)) {
      for (const seed of [1, 3, 7]) {
        const buckets = poissonSeries(14 * 24 * 60, mean, seed);

        expect(alertTimes(buckets, run(buckets)), `${name}, seed ${seed}`).toEqual([]);
      }
    }
  });

  it('always alarms on a 20× burst, once, at its start', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const level of [0.5, 5, 50]) {
        const burstAt = start + (3 + (seed % 3)) * day + seed * 7 * hour + seed * minute;
        const buckets = poissonSeries(
          7 * 24 * 60,
          (t) => (t >= burstAt && t < burstAt + 15 * minute ? 20 * level : level),
          seed,
        );

        const alerts = alertTimes(buckets, run(buckets));

        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toBeGreaterThanOrEqual(burstAt);
        expect(alerts[0]).toBeLessThan(burstAt + 5 * minute);
      }
    }
  });

  it('learns a daily cron job within a few days: no alarm from day 4 on', () => {
    // Every day at 03:00 UTC a job reads the secret 200 times in one minute, on top of ~5 reads a minute.
    for (const seed of [1, 2, 3]) {
      const buckets = poissonSeries(10 * 24 * 60, (t) => ((t - start) % day === 3 * hour ? 200 : 5), seed);

      const alerts = alertTimes(buckets, run(buckets));

      expect(alerts.filter((t) => t >= start + 3 * day)).toEqual([]);
    }
  });

  it('learns a daily job of any size, and one that runs a few minutes later each day', () => {
    for (const seed of [1, 2, 3]) {
      // 3,000 reads in one minute on top of ~20 a minute: a rise of some twenty deviations.
      const big = series(10 * 24 * 60, (t) => ((t - start) % day === 3 * hour ? 3000 : 20), seed);
      // 200 reads at 03:00 on the first day, seven minutes later each day after (03:07, 03:14, …).
      const drifting = poissonSeries(
        10 * 24 * 60,
        (t) => ((t - start) % day === 3 * hour + Math.floor((t - start) / day) * 7 * minute ? 200 : 5),
        seed,
      );

      expect(alertTimes(big, run(big)).filter((t) => t >= start + 3 * day)).toEqual([]);
      expect(alertTimes(drifting, run(drifting)).filter((t) => t >= start + 3 * day)).toEqual([]);
    }
  });

  it('still alarms on a burst at another time of day once a cron job is learned', () => {
    const burstAt = start + 8 * day + 15 * hour;
    const buckets = poissonSeries(
      10 * 24 * 60,
      (t) => ((t - start) % day === 3 * hour ? 200 : t >= burstAt && t < burstAt + 10 * minute ? 100 : 5),
      4,
    );

    expect(alertTimes(buckets, run(buckets)).filter((t) => t >= start + 3 * day)).toEqual([burstAt]);
  });
});

describe('anomaly likelihood', () => {
  const params = { windowSize: 10, historySize: 8640, minDev: 0.01, burstPenalty: 2, persistBuckets: 5, band: 0.002 };
  const round = (x: number) => Number(x.toPrecision(3));
  const roundMoment = (x: number) => Number(x.toPrecision(5));
  const feed = (state: LikelihoodState, raws: readonly number[], p = params, rm = roundMoment) =>
    raws.reduce(
      (acc, raw) => {
        const next = updateLikelihood(acc.state, raw, p, true, round, rm);
        return { state: next.state, evidence: next.evidence };
      },
      { state, evidence: 0 },
    );

  it('measures the normal tail in orders of magnitude, far beyond where probabilities underflow', () => {
    // −log10 P(Z > z): 0.5, 0.158655, 1.34990e-3, 2.86652e-7, 7.61985e-24, and e^−800-ish at z = 40.
    const expected: [number, number][] = [
      [0, 0.30103],
      [1, 0.79955],
      [3, 2.86967],
      [5, 6.54265],
      [10, 23.11805],
      [40, 349.43706],
    ];
    for (const [z, log10] of expected) expect(normalTailLog10(z)).toBeCloseTo(log10, 3);
    expect(normalTailLog10(-3)).toBeCloseTo(-Math.log10(1 - 1.3499e-3), 6);
  });

  it('is surprised by what is unusual for the key: a calm key by a mild rise, a noisy one only by more', () => {
    const calm = feed(emptyLikelihood, new Array(2000).fill(0)).state;
    const noisy = feed(
      emptyLikelihood,
      Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? 0.6 : 0.05)),
    ).state;
    const rise = new Array(5).fill(0.3);

    const onCalm = feed(calm, rise).evidence;
    const onNoisy = feed(noisy, rise).evidence;

    expect(onCalm).toBeGreaterThan(10);
    // 5 orders of magnitude is where the detector scores 0.5.
    expect(onNoisy).toBeLessThan(3);
  });

  it('judges a burst at its first bucket, and keeps a bounded window', () => {
    const calm = feed(emptyLikelihood, new Array(2000).fill(0)).state;

    const first = updateLikelihood(calm, 1, params, true, round, roundMoment);

    // Averaged over the window, one bucket of full surprise is 0.1; on its own it is ten times more.
    expect(first.evidence).toBeGreaterThan(5);
    expect(first.state.w).toHaveLength(params.windowSize);
    expect(feed(first.state, new Array(50).fill(0.2)).state.w).toHaveLength(params.windowSize);
  });

  it("judges a single bucket against the key's own single buckets, not against its averages", () => {
    // Every twentieth bucket half-surprising: the windows' averages are calm (0 or 0.05), single buckets are not.
    const spiky = feed(
      emptyLikelihood,
      Array.from({ length: 4000 }, (_, i) => (i % 20 === 0 ? 0.5 : 0)),
    ).state;
    const calm = feed(emptyLikelihood, new Array(4000).fill(0)).state;
    const burst = { ...params, burstPenalty: 5 };

    // One more such bucket is the key's habit; on a calm key the same bucket is a burst.
    expect(updateLikelihood(spiky, 0.5, burst, true, round, roundMoment).evidence).toBeLessThan(1);
    expect(updateLikelihood(calm, 0.5, burst, true, round, roundMoment).evidence).toBeGreaterThan(5);
    expect(spiky.bm).toBeGreaterThan(calm.bm);
    expect(spiky.bs).toBeGreaterThan(calm.bs);
  });

  it('counts the window average only as far as it has held for persistBuckets buckets', () => {
    const calm = feed(emptyLikelihood, new Array(2000).fill(0)).state;
    const windowEvidence = (persistBuckets: number): number[] => {
      let state = calm;
      return new Array(8).fill(0.3).map((raw) => {
        const next = updateLikelihood(state, raw, { ...params, persistBuckets }, true, round, roundMoment);
        state = next.state;
        return next.windowEvidence;
      });
    };
    const held = windowEvidence(params.persistBuckets);
    const newest = windowEvidence(1);

    // A rising window: the least of the last five is the one four buckets back, and never more than the newest.
    for (let i = 4; i < 8; i++) expect(held[i]).toBeCloseTo(newest[i - 4] ?? 0, 1);
    for (let i = 0; i < 8; i++) expect(held[i]).toBeLessThanOrEqual((newest[i] ?? 0) + 1e-9);
    // Before it has five evidences the window gives none, where the newest window alone already would.
    expect(held.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(newest[3]).toBeGreaterThan(0);
  });

  it('does not let one burst raise the bar for the next', () => {
    const calm = feed(emptyLikelihood, new Array(3000).fill(0)).state;
    const afterBurst = feed(calm, [...new Array(20).fill(1), ...new Array(3000).fill(0)]).state;

    expect(updateLikelihood(afterBurst, 1, params, true, round, roundMoment).evidence).toBeGreaterThan(5);
  });

  it('keeps the bar a long history has set: calm buckets move it by less than the band, a steady rise moves it', () => {
    const noisy = Array.from({ length: 600 }, (_, i) => (i % 7 === 0 ? 0.6 : 0.05));
    const calm = new Array(500).fill(0);
    const later = new Array(2500).fill(0);
    const exact = { ...params, band: 0 };

    // The fall from noisy to calm is itself a departure that the history learns; what follows is calm.
    const calmAtFirst = feed(feed(emptyLikelihood, noisy).state, calm).state;
    const calmAfter = feed(calmAtFirst, later).state;
    const exactAtFirst = feed(feed(emptyLikelihood, noisy, exact).state, calm, exact).state;
    const wornDown = feed(exactAtFirst, later, exact).state;

    // With the band the variance holds through the calm; without it the calm wears it down.
    expect(calmAfter.s).toBe(calmAtFirst.s);
    expect(wornDown.s).toBeLessThan(exactAtFirst.s / 1.5);
    // The band is a property of the model, not of how its moments are written down: 9 digits behave as 5 do.
    const fine = (x: number) => Number(x.toPrecision(9));
    const finer = feed(
      feed(feed(emptyLikelihood, noisy, params, fine).state, calm, params, fine).state,
      later,
      params,
      fine,
    );
    expect(finer.state.s).toBeCloseTo(calmAfter.s, 4);
    // What is far beyond the history still teaches it.
    expect(feed(calmAfter, new Array(50).fill(1)).state.s).toBeGreaterThan(calmAfter.s);
  });
});

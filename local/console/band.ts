// The detector's expected band for the console's read charts. Pure, and the one place that knows how the band is
// derived, so a new detector needs changes here only.
//
// The detector (functions/reads/domain/detector.ts) exports `updateDetector(state, bucket, params)`, whose result
// gives the bucket's `expected` count and whether it `isAnomaly`, but no band. So the band is found by asking it:
// the minutes are replayed through a fresh detector, and before each minute is fed, the same state is probed with
// other counts. The upper edge is the fewest reads that minute the detector would call anomalous; the lower edge is
// the most it would call anomalous if it watched drops too (it alerts on rises only, `direction: 'up'`, so the lower
// edge is drawn for orientation). During the warm-up nothing is anomalous, and there is no band.
import {
  createDetectorState,
  type DetectorParams,
  type DetectorState,
  defaultDetectorParams,
  updateDetector,
} from '../../functions/reads/domain/detector.ts';

const MINUTE_MS = 60_000;
// Far beyond any minute's reads: a detector that calls nothing below this anomalous has no band there.
const CEILING = 10_000_000;

interface BandPoint {
  readonly minute: number;
  readonly count: number;
  readonly expected: number;
  /** Fewest reads the detector would flag; undefined while it cannot flag (warm-up). */
  readonly upper: number | undefined;
  /** Below this it would flag a drop, if it watched drops; undefined with the upper edge. */
  readonly lower: number | undefined;
  readonly score: number;
}

const anomalous = (state: DetectorState, minute: number, count: number, params: DetectorParams) =>
  updateDetector(state, { timestamp: minute, count }, params).isAnomaly;

/** Smallest count in [lo, hi] for which `test` holds, or undefined; `test` must be monotone (false…false true…true). */
const firstTrue = (lo: number, hi: number, test: (n: number) => boolean): number | undefined => {
  if (!test(hi)) return undefined;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (test(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
};

const edgesOf = (state: DetectorState, minute: number, expected: number, params: DetectorParams) => {
  const floor = Math.max(0, Math.ceil(expected));
  const upper = firstTrue(floor, CEILING, (n) => anomalous(state, minute, n, params));
  if (upper === undefined) return { upper: undefined, lower: undefined };
  const both = { ...params, direction: 'both' as const };
  const top = Math.max(0, Math.floor(expected));
  // The largest count at or below the expectation that is still a drop: counts above it are normal.
  const normalFrom = firstTrue(0, top, (n) => !anomalous(state, minute, n, both));
  return { upper, lower: normalFrom ?? top };
};

/**
 * Feeds every minute of [start, to] (zeros where `counts` has none) to a fresh detector and returns the band for the
 * minutes from `shownFrom` on. `start` should reach back as far as the real detector's history does (or a day).
 */
const bandOf = (
  counts: ReadonlyMap<number, number>,
  start: number,
  shownFrom: number,
  to: number,
  params: DetectorParams = defaultDetectorParams,
): BandPoint[] => {
  let state = createDetectorState(params);
  const points: BandPoint[] = [];
  for (let minute = start; minute <= to; minute += MINUTE_MS) {
    const count = counts.get(minute) ?? 0;
    const result = updateDetector(state, { timestamp: minute, count }, params);
    if (minute >= shownFrom) {
      const { upper, lower } = edgesOf(state, minute, result.expected, params);
      points.push({ minute, count, expected: result.expected, upper, lower, score: result.score });
    }
    state = result.state;
  }
  return points;
};

export type { BandPoint };
export { bandOf };

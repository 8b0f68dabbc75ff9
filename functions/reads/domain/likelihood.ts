// Anomaly likelihood, as Numenta's HTM detector computes it (Ahmad et al., "Unsupervised real-time anomaly detection
// for streaming data", 2017): a key's raw surprise in [0, 1] is averaged over its last few buckets, and that short
// average is judged against the long-run distribution of the same average (a normal fit of its mean and variance).
// What it measures is not "is this bucket surprising?" but "is this key more surprised now than it usually is?": a key
// that is noisy or bursty by nature raises its own bar, a calm key keeps a low one. Pure and O(1): the short window is
// a fixed ring of `windowSize` numbers, the long run is a running mean and variance over at most `historySize`
// averages. The newest bucket is also judged on its own, against the long-run distribution of single buckets' raw
// surprise (a second running mean and variance), so a burst alarms at its first bucket. Both histories take only steps
// of at least `band` of what they hold (dead-band.ts): calm buckets do not wear a long history down.

import { settle } from './dead-band.ts';

type LikelihoodState = {
  /** The last raw surprises, oldest first (at most `windowSize`). */
  readonly w: readonly number[];
  /** Running mean and variance of the short average, and how many averages they hold (capped at `historySize`). */
  readonly m: number;
  readonly s: number;
  readonly k: number;
  /** The window's evidence at the last `persistBuckets` buckets, oldest first. */
  readonly e: readonly number[];
  /** Running mean and variance of a single bucket's raw surprise (over the same `k`). */
  readonly bm: number;
  readonly bs: number;
};

type LikelihoodParams = {
  readonly windowSize: number;
  readonly historySize: number;
  /** Lowest standard deviation of the short average: a key that has never been surprised is not hair-triggered. */
  readonly minDev: number;
  /**
   * Orders of magnitude of evidence a single bucket needs beyond what the window's average needs: a single bucket's
   * surprise is mostly nothing with a heavy tail, which a normal fit makes look rarer than it is.
   */
  readonly burstPenalty: number;
  /**
   * The window's average counts as evidence only as far as it has held for this many buckets (the smallest of its
   * last evidences): one burst lifts the average of every window that holds it, a sustained departure keeps it up.
   */
  readonly persistBuckets: number;
  /** A running moment moves only by a step of at least this fraction of its value (dead-band.ts). */
  readonly band: number;
};

const historyClip = 8;

const emptyLikelihood: LikelihoodState = { w: [], m: 0, s: 0, k: 0, e: [], bm: 0, bs: 0 };

/**
 * −log10 of the upper tail of the standard normal distribution, P(Z > z), accurate far into the tail (no underflow):
 * Numerical Recipes' erfc approximation (relative error below 1.2e-7), taken in log space.
 */
const normalTailLog10 = (z: number): number => {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const lnErfc =
    Math.log(t) -
    x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  if (z >= 0) return -(lnErfc + Math.log(0.5)) / Math.LN10;
  // Below the mean the tail is more than a half: 1 − ½·erfc(|z|/√2).
  return -Math.log10(1 - 0.5 * Math.exp(lnErfc));
};

/** The short average of `window` (0 for an empty one). */
const average = (window: readonly number[]): number =>
  window.length === 0 ? 0 : window.reduce((sum, x) => sum + x, 0) / window.length;

/**
 * Adds one raw surprise (rounded by `round` in the window, the moments by `roundMoment`). Returns the evidence,
 * −log10 of the probability that the short average is this high under the key's history (0 when it is not above the
 * history's mean), judged before the history learns from it and the least of its last `persistBuckets` values, or that
 * the newest bucket alone is (less `burstPenalty`), whichever is larger; the window's evidence alone; and the next
 * state. `learn` false scores without learning (the warm-up's surprises measure the model's ignorance, not the
 * key).
 */
const updateLikelihood = (
  state: LikelihoodState,
  raw: number,
  params: LikelihoodParams,
  learn: boolean,
  round: (x: number) => number,
  roundMoment: (x: number) => number,
): { evidence: number; windowEvidence: number; state: LikelihoodState } => {
  const w = [...state.w, round(raw)].slice(-params.windowSize);
  const mean = average(w);
  const newest = w[w.length - 1] ?? 0;
  const dev = Math.max(Math.sqrt(state.s), params.minDev);
  // A single bucket's floor is the average's scaled to one bucket (√windowSize, as for independent buckets).
  const burstDev = Math.max(Math.sqrt(state.bs), params.minDev * Math.sqrt(params.windowSize));
  const tail = (x: number, mu: number, sd: number): number =>
    state.k > 0 && x > mu ? normalTailLog10((x - mu) / sd) : 0;
  // The window's evidence is the least of its last persistBuckets (none until it has that many): a single burst
  // lifts every window that holds it for a bucket or two of the average's tail, a sustained departure holds.
  const e = [...state.e, round(tail(mean, state.m, dev))].slice(-params.persistBuckets);
  const windowEvidence = e.length < params.persistBuckets ? 0 : Math.min(...e);
  // The newest bucket on its own (a burst should not wait for the window to fill), against the key's own single
  // buckets: at a coarse bucket (an hour) single buckets are calmer than at a minute, and this bar follows them.
  const evidence = Math.max(windowEvidence, tail(newest, state.bm, burstDev) - params.burstPenalty);
  if (!learn) return { evidence, windowEvidence, state: { ...state, w, e } };
  // Welford-style running moments with weight 1/k, k capped: a plain average at first, then an exponential one
  // over about `historySize` averages.
  const k = Math.min(state.k + 1, params.historySize);
  // What the history learns is clipped at historyClip deviations above its mean: a key bursty by nature still widens
  // its history burst by burst, but one burst does not raise the bar for the next for a week.
  const moments = (x: number, mu: number, variance: number, sd: number) => {
    const d = (state.k > 0 ? Math.min(x, mu + historyClip * sd) : x) - mu;
    return {
      mu: settle(mu, mu + d / k, params.band, roundMoment),
      variance: settle(variance, (1 - 1 / k) * (variance + (d * d) / k), params.band, roundMoment),
    };
  };
  const averages = moments(mean, state.m, state.s, dev);
  const singles = moments(newest, state.bm, state.bs, burstDev);
  return {
    evidence,
    windowEvidence,
    state: { w, m: averages.mu, s: averages.variance, k, e, bm: singles.mu, bs: singles.variance },
  };
};

export type { LikelihoodParams, LikelihoodState };
export { average, emptyLikelihood, normalTailLog10, updateLikelihood };

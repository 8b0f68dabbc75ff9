// Context novelty, the read-spike detector's shape channel (in the spirit of CAD OSE's and ARTime's pattern novelty):
// each bucket's value is quantised into a few levels of the range the key has seen, the last three levels form a
// context, and a fixed table counts how often each context has occurred. A key whose buckets keep following shapes it
// has never had (a burst where it never bursts, a spell of bursts denser than ever, a dip to a level it never dips
// to at that pace) is surprising even when no single bucket is beyond its noise. The evidence is calibrated on the
// key's own rate of new contexts: the number of new ones among the last `windowSize` buckets judged against a Poisson
// law at that rate, so a key that keeps meeting new shapes by nature needs more of them.
// The rate takes only steps of at least `band` of itself (dead-band.ts). Pure and O(1): a table of `contextCells`
// base-36 counters (saturating at 35), the last two levels, a window of bits.

import { settle } from './dead-band.ts';

type ContextState = {
  /** How often each context has been seen, one base-36 digit a cell. */
  readonly x: string;
  /** The last two levels, oldest first (fewer at the start). */
  readonly q: readonly number[];
  /** The last `windowSize` buckets: 1 where the bucket completed a context never seen before, else 0. */
  readonly w: string;
  /**
   * Running rate of new contexts per bucket, learned from the window's share of them each bucket (so a new context
   * teaches it over the window's buckets, not at once), and how many buckets it holds (capped at `historySize`).
   */
  readonly r: number;
  readonly k: number;
};

type ContextParams = {
  readonly levels: number;
  readonly windowSize: number;
  readonly historySize: number;
  /** The rate moves only by a step of at least this fraction of its value (dead-band.ts). */
  readonly band: number;
};

// 10 levels make 1,000 contexts; a table of 256 cells keeps the state small, and a collision only makes a context
// look a little more familiar than it is.
const contextCells = 256;
const countMax = 35;
// Lowest rate of new contexts: a key that has met none since its warm-up is still not hair-triggered by one.
const minRate = 1e-4;

const emptyContext: ContextState = { x: '0'.repeat(contextCells), q: [], w: '', r: 0, k: 0 };

/** −log10 P(N ≥ n) for N ~ Poisson(λ): the first n terms summed, O(window). */
const poissonTailLog10 = (n: number, lambda: number): number => {
  if (n <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < n; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return -Math.log10(Math.max(1 - below, Number.MIN_VALUE));
};

/**
 * Adds one bucket: `level` in [0, 1) is where it lies in the range seen (quantised here), `counts` says whether a new
 * context may count as news (false: the table learns it, the window records nothing, e.g. a bucket below expectation
 * when only rises matter). `learn` false (the warm-up) lets the table learn and scores nothing. Returns the evidence,
 * −log10 of the probability of this many new contexts in the window at the key's own rate, and the next state.
 */
const updateContext = (
  state: ContextState,
  level: number,
  counts: boolean,
  params: ContextParams,
  learn: boolean,
  round: (x: number) => number,
): { evidence: number; state: ContextState } => {
  const q = Math.min(params.levels - 1, Math.max(0, Math.floor(level * params.levels)));
  const context = [...state.q, q];
  let x = state.x;
  let isNew = false;
  if (context.length === 3) {
    const cell = (((context[0] ?? 0) * params.levels + (context[1] ?? 0)) * params.levels + q) % contextCells;
    const seen = Number.parseInt(x[cell] ?? '0', 36);
    isNew = seen === 0;
    x = `${x.slice(0, cell)}${Math.min(countMax, seen + 1).toString(36)}${x.slice(cell + 1)}`;
  }
  const bit = learn && counts && isNew ? 1 : 0;
  const w = `${state.w}${bit}`.slice(-params.windowSize);
  const news = [...w].filter((c) => c === '1').length;
  const evidence = learn && state.k > 0 ? poissonTailLog10(news, Math.max(state.r, minRate) * params.windowSize) : 0;
  const k = learn ? Math.min(state.k + 1, params.historySize) : state.k;
  const r = learn ? settle(state.r, state.r + (news / w.length - state.r) / k, params.band, round) : state.r;
  return { evidence, state: { x, q: context.slice(-2), w, r, k } };
};

export type { ContextParams, ContextState };
export { emptyContext, poissonTailLog10, updateContext };

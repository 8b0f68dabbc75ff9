import { describe, expect, it } from 'vitest';
import {
  type ContextParams,
  type ContextState,
  emptyContext,
  poissonTailLog10,
  updateContext,
} from '../../functions/reads/domain/context.ts';

const params: ContextParams = { levels: 10, windowSize: 10, historySize: 8640, band: 0.002 };
const round = (x: number): number => Number(x.toPrecision(5));

/** Feeds levels (0..1) through the channel; returns each bucket's evidence and the final state. */
const feed = (levels: readonly number[], state: ContextState = emptyContext, learn = true) => {
  let s = state;
  const evidence = levels.map((level) => {
    const r = updateContext(s, level, true, params, learn, round);
    s = r.state;
    return r.evidence;
  });
  return { evidence, state: s };
};

// A key that cycles low → middle → high → middle, over and over: four contexts, all soon familiar.
const cycle = (buckets: number): number[] =>
  Array.from({ length: buckets }, (_, i) => [0.05, 0.45, 0.95, 0.45][i % 4] ?? 0);

describe('shape channel (context novelty)', () => {
  it('measures the Poisson tail in orders of magnitude', () => {
    expect(poissonTailLog10(0, 0.5)).toBe(0);
    // P(N ≥ 1) = 1 − e^−λ
    expect(poissonTailLog10(1, 0.5)).toBeCloseTo(-Math.log10(1 - Math.exp(-0.5)), 10);
    // P(N ≥ 2) for λ = 0.01 is about λ²/2
    expect(poissonTailLog10(2, 0.01)).toBeCloseTo(-Math.log10(0.01 ** 2 / 2), 1);
  });

  it('finds nothing new in a shape the key keeps repeating', () => {
    const { evidence } = feed(cycle(2000));

    expect(Math.max(...evidence.slice(100))).toBe(0);
  });

  it('finds a run of new shapes within the range surprising', () => {
    const { state } = feed(cycle(2000));
    // Still within the range seen, but a shape the key never had: a stutter between two levels it never joined.
    const { evidence } = feed([0.25, 0.75, 0.25, 0.75, 0.25, 0.75], state);

    expect(Math.max(...evidence)).toBeGreaterThan(3);
  });

  it('learns during the warm-up without scoring, and keeps a bounded state', () => {
    const warm = feed(cycle(500), emptyContext, false);

    expect(warm.evidence.every((e) => e === 0)).toBe(true);
    expect(warm.state.k).toBe(0);
    const long = feed(
      Array.from({ length: 20_000 }, (_, i) => (Math.sin(i / 7) + 1) / 2.01),
      warm.state,
    );
    expect(long.state.x).toHaveLength(256);
    expect(long.state.w.length).toBeLessThanOrEqual(params.windowSize);
    expect(long.state.q.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(long.state).length).toBeLessThan(400);
  });

  it('keeps the rate of new shapes a long history has set: a calm spell moves it by less than the band', () => {
    // A key that roams its range at first (a fixed pseudo-random walk of levels), then settles into a cycle.
    const roaming = Array.from({ length: 600 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const rates = (p: ContextParams) => {
      let s = emptyContext;
      const at = (levels: readonly number[]) => {
        for (const level of levels) s = updateContext(s, level, true, p, true, round).state;
        return s.r;
      };
      // The cycle's own contexts are new at first; after 500 buckets of it nothing is.
      return { settled: at([...roaming, ...cycle(500)]), later: at(cycle(2500)) };
    };
    const banded = rates(params);
    const exact = rates({ ...params, band: 0 });

    expect(banded.settled).toBeGreaterThan(0);
    expect(banded.later).toBe(banded.settled);
    expect(exact.later).toBeLessThan(exact.settled / 1.5);
  });
});

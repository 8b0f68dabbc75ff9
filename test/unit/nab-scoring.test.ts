import { describe, expect, it } from 'vitest';
import {
  optimiseThreshold,
  probationLength,
  profiles,
  type ScoredFile,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
} from '../../scripts/bench/nab-scoring.ts';

// 100 rows, one window over rows 40..49: probation is the first 15 rows.
const rows = 100;
const timestamps = Array.from({ length: rows }, (_, i) => i * 300_000);
const window = [timestamps[40] ?? 0, timestamps[49] ?? 0] as const;

const fileWith = (detections: Record<number, number>, name = 'cat/a.csv'): ScoredFile => ({
  name,
  timestamps,
  scores: timestamps.map((_, i) => detections[i] ?? 0),
  windows: [window],
});

describe('NAB scoring', () => {
  it('uses NAB’s scaled sigmoid and probation length', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(probationLength(100)).toBe(15);
    expect(probationLength(20_000)).toBe(750);
  });

  it('gives the perfect detector 100 and the null detector 0 on every profile', () => {
    const perfect = [fileWith({ 40: 1 }, 'cat/a.csv'), fileWith({ 40: 1 }, 'cat/b.csv')];
    const none = [fileWith({}, 'cat/a.csv'), fileWith({}, 'cat/b.csv')];

    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      expect(scoreCorpus(perfect, profile).normalised).toBeCloseTo(100, 6);
      expect(scoreCorpus(none, profile).normalised).toBeCloseTo(0, 6);
    }
  });

  it('scores a late detection below an early one, and counts only the earliest detection in a window', () => {
    const cost = profiles.standard;

    const early = scoreFile(fileWith({ 41: 1 }), cost, 0.5).score;
    const late = scoreFile(fileWith({ 48: 1 }), cost, 0.5).score;
    const both = scoreFile(fileWith({ 41: 1, 48: 1 }), cost, 0.5).score;

    expect(early).toBeGreaterThan(late);
    expect(late).toBeGreaterThan(0);
    expect(both).toBeCloseTo(early, 12);
    // Row 41 is at position −9/10 in the window: σ(−0.9)/σ(−1).
    expect(early).toBeCloseTo(scaledSigmoid(-0.9) / scaledSigmoid(-1), 12);
  });

  it('charges a false positive fp before any window and almost nothing just after one, per profile', () => {
    const before = fileWith({ 40: 1, 20: 1 });
    const justAfter = fileWith({ 40: 1, 50: 1 });

    const stdBefore = scoreFile(before, profiles.standard, 0.5).score;
    const lowFpBefore = scoreFile(before, profiles.reward_low_FP_rate, 0.5).score;
    const lowFnBefore = scoreFile(before, profiles.reward_low_FN_rate, 0.5).score;
    const stdAfter = scoreFile(justAfter, profiles.standard, 0.5).score;

    expect(stdBefore).toBeCloseTo(1 - 0.11, 12);
    expect(lowFpBefore).toBeCloseTo(1 - 0.22, 12);
    expect(lowFnBefore).toBeCloseTo(1 - 0.11, 12);
    // One row past a 10-row window: σ(1/9)·fp, a small cost.
    expect(stdAfter).toBeCloseTo(1 + scaledSigmoid(1 / 9) * 0.11, 12);
    expect(stdAfter).toBeGreaterThan(stdBefore);
  });

  it('charges a missed window fn, doubled on the low-FN profile', () => {
    expect(scoreFile(fileWith({}), profiles.standard, 0.5).score).toBe(-1);
    expect(scoreFile(fileWith({}), profiles.reward_low_FN_rate, 0.5).score).toBe(-2);
  });

  it('ignores detections in the probation period', () => {
    expect(scoreFile(fileWith({ 5: 1, 40: 1 }), profiles.standard, 0.5).score).toBeCloseTo(1, 12);
  });

  it('picks one threshold for the whole corpus, trading a window against false positives', () => {
    // File a: its window scores 0.6 and three false positives score 0.9. File b: clean detection at 0.8.
    const a = fileWith({ 20: 0.9, 22: 0.9, 24: 0.9, 40: 0.6 }, 'cat/a.csv');
    const b = fileWith({ 40: 0.8 }, 'cat/b.csv');

    const best = optimiseThreshold([a, b], profiles.standard);

    // At 0.6: 2 windows − 3·0.11 = 1.67 beats 0.8 (b only, a missed: 1 − 1 − 0.33 = −0.33) and 1.1 (−2).
    expect(best.threshold).toBe(0.6);
    expect(best.score).toBeCloseTo(2 - 3 * 0.11, 12);
  });
});

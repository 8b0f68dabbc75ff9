import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadCorpus, parseArgs } from '../../scripts/bench/nab.ts';
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

  it('uses NAB’s three profiles’ weights', () => {
    expect(profiles).toEqual({
      standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
      reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
      reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
    });
  });

  it('normalises with the null detector (−fn per window) and the perfect one (+tp per window)', () => {
    const half = [fileWith({ 40: 1 }, 'cat/a.csv'), fileWith({}, 'cat/b.csv')];

    const standard = scoreCorpus(half, 'standard');
    const lowFn = scoreCorpus(half, 'reward_low_FN_rate');

    expect(standard.nullScore).toBeCloseTo(-2, 12);
    expect(standard.perfectScore).toBe(2);
    // One window caught at its left edge (+1), one missed (−1): halfway between null (−2) and perfect (2).
    expect(standard.normalised).toBeCloseTo(50, 9);
    // Low FN: null −4, raw 1 − 2 = −1, perfect 2 → 100·3/6.
    expect(lowFn.normalised).toBeCloseTo(50, 9);
  });

  it('enters each window of a file on its exact timestamps, and scores a detection after one against it', () => {
    const twoWindows: ScoredFile = {
      name: 'cat/two.csv',
      timestamps,
      scores: timestamps.map((_, i) => (i === 30 || i === 55 || i === 70 ? 1 : 0)),
      windows: [
        [timestamps[25] ?? 0, timestamps[34] ?? 0],
        [timestamps[65] ?? 0, timestamps[74] ?? 0],
      ],
    };

    const result = scoreFile(twoWindows, profiles.standard, 0.5);

    // Row 30 at −5/10 in the first window, row 70 at −5/10 in the second, row 55 is 21 rows past the first (of 10).
    const inWindow = scaledSigmoid(-0.5) / scaledSigmoid(-1);
    expect(result.tp).toBe(2);
    expect(result.fp).toBe(1);
    expect(result.score).toBeCloseTo(2 * inWindow + scaledSigmoid(21 / 9) * 0.11, 12);
  });

  it('fails loudly on a window that matches none of the file’s timestamps', () => {
    const bad: ScoredFile = { ...fileWith({}), windows: [[1, 2]] };

    expect(() => scoreFile(bad, profiles.standard, 0.5)).toThrow("does not match the file's timestamps");
  });
});

describe('the nab benchmark’s corpus', () => {
  const corpus = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'nab-corpus-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'data', 'cat'), { recursive: true });
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'data', 'cat', 'a.csv'), 'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,2\n');
    writeFileSync(
      join(dir, 'data', 'cat', 'b.csv'),
      'timestamp,value\n2015-01-01 00:00:00,0.5\n2015-01-01 00:05:00,2\n',
    );
    writeFileSync(
      join(dir, 'labels', 'combined_windows.json'),
      JSON.stringify({
        'cat/a.csv': [['2015-01-01 00:00:00.000000', '2015-01-01 00:05:00.000000']],
        'cat/b.csv': [],
      }),
    );
    return dir;
  };

  it('reads every file of a NAB-layout folder with its windows, and takes integer files as the count subset', () => {
    const loaded = loadCorpus(corpus());

    expect(loaded.files.map((f) => [f.path, f.category, f.values, f.windows.length])).toEqual([
      ['cat/a.csv', 'cat', [1, 2], 1],
      ['cat/b.csv', 'cat', [0.5, 2], 0],
    ]);
    expect([...loaded.countSubset]).toEqual(['cat/a.csv']);
  });

  it('refuses a file the labels do not name, and a folder that is not a corpus', () => {
    const dir = corpus();
    writeFileSync(join(dir, 'data', 'cat', 'c.csv'), 'timestamp,value\n2015-01-01 00:00:00,1\n');

    expect(() => loadCorpus(dir)).toThrow('has no windows for cat/c.csv');
    expect(() => loadCorpus(tmpdir())).toThrow('is not a NAB corpus');
  });

  it('takes --corpus and --out, and rejects anything else', () => {
    expect(parseArgs(['--corpus', '/x', '--out', '/y'])).toEqual({ corpus: '/x', out: '/y' });
    expect(() => parseArgs(['--out'])).toThrow('--out needs a directory');
    expect(() => parseArgs(['--corpse', '/x'])).toThrow('Unknown option "--corpse"');
  });
});

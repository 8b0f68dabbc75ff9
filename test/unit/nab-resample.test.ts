import { describe, expect, it } from 'vitest';
import { type Corpus, type NabFile, parseArgs } from '../../scripts/bench/nab.ts';
import { windowedGaussianScores } from '../../scripts/bench/nab-baseline.ts';
import { nabTimestamp, resampleCorpus } from '../../scripts/bench/nab-resample.ts';

const minute = 60_000;
const t0 = Date.UTC(2015, 0, 1);

const fileOf = (path: string, values: number[], windows: [number, number][] = [], stepMs = 5 * minute): NabFile => {
  const timestamps = values.map((_, i) => t0 + i * stepMs);
  return {
    path,
    category: path.split('/')[0] ?? '',
    rawTimestamps: timestamps.map(nabTimestamp),
    timestamps,
    values,
    windows: windows.map(([a, b]) => [timestamps[a] ?? 0, timestamps[b] ?? 0] as const),
  };
};
const corpusOf = (...files: NabFile[]): Corpus => ({
  dir: '/corpus',
  files,
  countSubset: new Set(['c/counts.csv']),
  countSubsetSource: 'test',
});

describe('the nab benchmark at a coarser bucket width (--resample)', () => {
  it('sums a series of the count subset per bucket and averages any other, stamping each bucket with its start', () => {
    const counts = fileOf('c/counts.csv', [1, 2, 3, 4, 5, 6, 7]);
    const cpu = fileOf('c/cpu.csv', [0.5, 1.5, 2.5, 3.5]);
    // Integers, but speeds: averaged.
    const speed = fileOf('c/speed.csv', [60, 62, 64, 30]);

    const [summed, averaged, speeds] = resampleCorpus(corpusOf(counts, cpu, speed), 15).files;

    expect(summed?.values).toEqual([6, 15, 7]);
    expect(summed?.rawTimestamps).toEqual(['2015-01-01 00:00:00', '2015-01-01 00:15:00', '2015-01-01 00:30:00']);
    expect(averaged?.values).toEqual([1.5, 3.5]);
    expect(averaged?.timestamps).toEqual([t0, t0 + 15 * minute]);
    expect(speeds?.values).toEqual([62, 30]);
  });

  it('moves each window onto the buckets that hold its edges, stepping over buckets a gap left empty', () => {
    // Rows every 5 minutes with an hour missing in the middle: 00:00–00:55, then 02:00–02:55.
    const values = Array.from({ length: 24 }, (_, i) => i);
    const timestamps = values.map((i) => t0 + (i < 12 ? i : i + 12) * 5 * minute);
    const gappy: NabFile = {
      ...fileOf('c/gappy.csv', values),
      timestamps,
      rawTimestamps: timestamps.map(nabTimestamp),
      // 00:40 → 01:30, the end in the gap; and 01:10 (in the gap) → 02:20.
      windows: [
        [t0 + 40 * minute, t0 + 90 * minute],
        [t0 + 70 * minute, t0 + 140 * minute],
      ],
    };

    const [resampled] = resampleCorpus(corpusOf(gappy), 30).files;

    expect(resampled?.timestamps.map((t) => (t - t0) / minute)).toEqual([0, 30, 120, 150]);
    expect(resampled?.windows.map(([a, b]) => [(a - t0) / minute, (b - t0) / minute])).toEqual([
      [30, 30],
      [120, 120],
    ]);
  });

  it('refuses a bucket width that is not a whole number of minutes from 1 to 1440', () => {
    expect(parseArgs(['--resample', '60'])).toMatchObject({ resample: 60 });
    for (const bad of ['0', '1.5', 'hourly', '2000']) {
      expect(() => parseArgs(['--resample', bad])).toThrow(`--resample needs a bucket width in whole minutes`);
    }
    expect(() => parseArgs(['--resample'])).toThrow('not ""');
  });
});

describe("NAB's Windowed Gaussian baseline", () => {
  it('scores a value by how far it lies from the values before it: 0 first, about 0.5 at their mean, near 1 far out', () => {
    const steady = Array.from({ length: 200 }, (_, i) => 10 + (i % 2));

    const scores = windowedGaussianScores([...steady, 10.5, 30]);

    expect(scores[0]).toBe(0);
    expect(scores[200]).toBeCloseTo(0.5, 1);
    expect(scores[201]).toBeGreaterThan(0.999_999);
    // Once a few values have set the spread, the steady series' own wobble stays unremarkable.
    expect(Math.max(...scores.slice(10, 200))).toBeLessThan(0.9);
  });

  it('keeps scoring after its window is full, against the last 6,400 values', () => {
    const values = [...Array.from({ length: 6400 }, () => 100), ...Array.from({ length: 6400 }, (_, i) => i % 2)];

    const scores = windowedGaussianScores(values);

    // The first low values are far from a window of 100s; 6,400 values later the window (refitted every 100) holds
    // them and only a hundred 100s, and a 0 lies within a deviation of their mean.
    expect(scores[6400]).toBeGreaterThan(0.999_999);
    expect(scores).toHaveLength(12_800);
    expect(scores[12_798]).toBeLessThan(0.9);
  });
});

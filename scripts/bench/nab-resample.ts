// `npm run bench -- nab --resample MINUTES`: the same corpus at a coarser bucket width, to see whether the detector
// holds up on series sampled more sparsely than the development split's (mostly 5 minutes; NAB's held-out part has
// hourly series). Each file's rows are summed per bucket when it is in the corpus's count subset (reads, tweets,
// requests), averaged otherwise (a speed or a percentage is not a count, even in integers, and its rows per bucket
// vary where the sampling is irregular). A bucket is stamped with its start (aligned to the epoch), and each window's
// edges move to the buckets that hold them, as NAB requires windows to start and end on a row.
import type { Corpus, NabFile } from './nab.ts';

const pad = (n: number): string => String(n).padStart(2, '0');
/** NAB's timestamp format, UTC. */
const nabTimestamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

const resampleFile = (file: NabFile, widthMs: number, counts: boolean): NabFile => {
  const buckets = new Map<number, { sum: number; n: number }>();
  file.timestamps.forEach((t, i) => {
    const start = Math.floor(t / widthMs) * widthMs;
    const bucket = buckets.get(start) ?? { sum: 0, n: 0 };
    bucket.sum += file.values[i] ?? 0;
    bucket.n++;
    buckets.set(start, bucket);
  });
  const timestamps = [...buckets.keys()].sort((a, b) => a - b);
  const values = timestamps.map((t) => {
    const { sum, n } = buckets.get(t) ?? { sum: 0, n: 1 };
    return counts ? sum : sum / n;
  });
  const first = timestamps[0] ?? 0;
  // A window's edge moves to the bucket holding it; a bucket left empty by a gap in the data gives way to the nearest
  // one inside the window.
  const startOf = (t: number): number => timestamps.find((b) => b + widthMs > t) ?? first;
  const endOf = (t: number): number => timestamps.findLast((b) => b <= t) ?? first;
  return {
    ...file,
    rawTimestamps: timestamps.map(nabTimestamp),
    timestamps,
    values,
    windows: file.windows.map(([start, end]) => [startOf(start), endOf(end)] as const),
  };
};

const resampleCorpus = (corpus: Corpus, minutes: number): Corpus => ({
  ...corpus,
  files: corpus.files.map((f) => resampleFile(f, minutes * 60_000, corpus.countSubset.has(f.path))),
});

export { nabTimestamp, resampleCorpus };

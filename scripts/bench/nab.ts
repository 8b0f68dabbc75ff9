// `npm run bench -- nab [--out <dir>]`: runs the read-spike detector over NAB's count-like subset, online and with one
// parameter set for every file, and scores it with NAB's own rules (see nab-scoring.ts). `--out` also writes the
// per-row results in NAB's layout (<dir>/smcp/<category>/smcp_<file>.csv) so NAB itself can score them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createDetectorState,
  type DetectorParams,
  defaultDetectorParams,
  updateDetector,
} from '../../functions/reads/domain/detector.ts';
import { type CorpusResult, profileNames, type ScoredFile, scoreCorpus } from './nab-scoring.ts';

const nabDir = fileURLToPath(new URL('../../../shared/data/nab/', import.meta.url));
const resultsFile = fileURLToPath(new URL('../../bench-results/nab.json', import.meta.url));
const detectorName = 'smcp';

// The product's parameters with one change: NAB labels drops as well as rises (nyc_taxi's Thanksgiving, Christmas
// and blizzard dips, for instance), so the benchmark scores both directions. Still one parameter set for every file.
const nabDetectorParams: DetectorParams = { ...defaultDetectorParams, direction: 'both' };

type NabFile = {
  /** e.g. realTweets/Twitter_volume_AAPL.csv */
  readonly path: string;
  readonly rawTimestamps: readonly string[];
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  readonly windows: readonly (readonly [number, number])[];
};

// NAB timestamps are naive 'YYYY-MM-DD HH:MM:SS[.ffffff]'; read them as UTC so hour-of-week slots are stable.
const parseTimestamp = (s: string): number => {
  const ms = Date.parse(
    `${s
      .trim()
      .replace(' ', 'T')
      .replace(/\.\d+$/, '')}Z`,
  );
  if (Number.isNaN(ms)) throw new Error(`bad NAB timestamp "${s}"`);
  return ms;
};

const loadCorpus = (dir = nabDir): NabFile[] => {
  const subset = JSON.parse(readFileSync(join(dir, 'count-subset-files.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  return Object.entries(subset).map(([path, windows]) => {
    const lines = readFileSync(join(dir, 'data', path), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const rawTimestamps: string[] = [];
    const values: number[] = [];
    for (const line of lines) {
      const [ts, value] = line.split(',');
      if (ts === undefined || value === undefined) throw new Error(`${path}: bad row "${line}"`);
      rawTimestamps.push(ts);
      values.push(Number(value));
    }
    return {
      path,
      rawTimestamps,
      timestamps: rawTimestamps.map(parseTimestamp),
      values,
      windows: windows.map(([start, end]) => [parseTimestamp(start), parseTimestamp(end)] as const),
    };
  });
};

type DetectedFile = ScoredFile & { readonly source: NabFile; readonly alerts: number; readonly maxStateBytes: number };

/** Runs one detector per file, strictly online: each score depends only on the rows before and at it. */
const detect = (file: NabFile, params: DetectorParams): DetectedFile => {
  let state = createDetectorState(params);
  let maxStateBytes = 0;
  let alerts = 0;
  const scores: number[] = [];
  file.values.forEach((count, i) => {
    const result = updateDetector(state, { timestamp: file.timestamps[i] ?? 0, count }, params);
    state = result.state;
    // NAB counts every row at or above its threshold as a detection; the product raises one alert per episode, so
    // that is what is submitted: the alert bucket carries its score, every other bucket 0.
    scores.push(result.alert ? result.score : 0);
    if (result.alert) alerts++;
    maxStateBytes = Math.max(maxStateBytes, JSON.stringify(state).length);
  });
  return {
    name: file.path,
    timestamps: file.timestamps,
    scores,
    windows: file.windows,
    source: file,
    alerts,
    maxStateBytes,
  };
};

const runCorpus = (
  params: DetectorParams,
  corpus: readonly NabFile[] = loadCorpus(),
): { files: DetectedFile[]; results: CorpusResult[] } => {
  const files = corpus.map((f) => detect(f, params));
  return { files, results: profileNames.map((p) => scoreCorpus(files, p)) };
};

const inWindow = (t: number, windows: readonly (readonly [number, number])[]): boolean =>
  windows.some(([start, end]) => t >= start && t <= end);

// NAB's detectors write timestamp,value,anomaly_score and NAB appends the ground-truth label column.
const writeNabResults = (outDir: string, files: readonly DetectedFile[]): void => {
  for (const f of files) {
    const category = dirname(f.source.path);
    const name = f.source.path.slice(category.length + 1);
    const target = join(outDir, detectorName, category, `${detectorName}_${name}`);
    mkdirSync(dirname(target), { recursive: true });
    const rows = f.source.rawTimestamps.map(
      (ts, i) =>
        `${ts},${f.source.values[i]},${f.scores[i]},${inWindow(f.source.timestamps[i] ?? 0, f.windows) ? 1 : 0}`,
    );
    writeFileSync(target, `timestamp,value,anomaly_score,label\n${rows.join('\n')}\n`);
  }
};

const main = async (args: string[]): Promise<void> => {
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && outDir === undefined) throw new Error('--out needs a directory');

  const params = nabDetectorParams;
  const started = performance.now();
  const { files, results } = runCorpus(params);
  const elapsedMs = performance.now() - started;
  const rows = files.reduce((n, f) => n + f.scores.length, 0);
  const maxStateBytes = Math.max(...files.map((f) => f.maxStateBytes));

  console.log(
    `NAB count subset: ${files.length} files, ${rows} rows, ${files.reduce((n, f) => n + f.windows.length, 0)} windows`,
  );
  for (const r of results) {
    console.log(
      `  ${r.profile.padEnd(18)} ${r.normalised.toFixed(1).padStart(5)}  (raw ${r.raw.toFixed(2)}, threshold ${r.threshold}, tp ${r.tp}, fp ${r.fp}, fn ${r.fn})`,
    );
  }
  console.log(`  state per key: ≤ ${maxStateBytes} bytes (JSON), ${(elapsedMs / rows).toFixed(4)} ms per bucket`);

  const figures = {
    benchmark: 'nab-count-subset',
    nabCommit: readFileSync(join(nabDir, 'NAB_COMMIT'), 'utf8').trim(),
    files: files.length,
    rows,
    params,
    scores: Object.fromEntries(results.map((r) => [r.profile, Number(r.normalised.toFixed(2))])),
    thresholds: Object.fromEntries(results.map((r) => [r.profile, r.threshold])),
    maxStateBytes,
    msPerBucket: Number((elapsedMs / rows).toFixed(5)),
    perFile: files.map((f) => ({
      file: f.name,
      alerts: f.alerts,
      maxStateBytes: f.maxStateBytes,
      standard: Number((results[0]?.perFile.find((p) => p.name === f.name)?.score ?? 0).toFixed(3)),
    })),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`  figures written to ${resultsFile}`);

  if (outDir !== undefined) {
    writeNabResults(outDir, files);
    console.log(`  NAB-format results written to ${join(outDir, detectorName)}`);
  }
};

export { detect, loadCorpus, main, nabDetectorParams, parseTimestamp, runCorpus, writeNabResults };

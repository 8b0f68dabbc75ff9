import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// NAB scoring (Numenta Anomaly Benchmark, v1.1 sweeper semantics), written from the algorithm's description so our
// read-spike detector's figures are comparable to NAB's scoreboard. Reference behaviour: nab/sweeper.py,
// nab/optimizer.py, nab/scorer.py and Runner.normalize at the commit in bench/data/nab/NAB_COMMIT.

type CostMatrix = {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
};

// NAB's config/profiles.json (tnWeight is unused by the scorer, so it is left out).
const profiles = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
} as const satisfies Record<string, CostMatrix>;

type ProfileName = keyof typeof profiles;

const profileNames = Object.keys(profiles) as ProfileName[];

// NAB ignores the first 15 % of every file (at most 750 rows): detectors are still learning there.
const defaultProbationPercent = 0.15;

// The threshold NAB starts its sweep from: above any score in [0, 1], so nothing is detected.
const startThreshold = 1.1;

/** One scored file: timestamps (any comparable number, e.g. ms), the detector's anomaly scores, the windows. */
type ScoredFile = {
  readonly name: string;
  readonly timestamps: readonly number[];
  readonly scores: readonly number[];
  /** [start, end] of each anomaly window, inclusive; both must be timestamps of the file, in time order. */
  readonly windows: readonly (readonly [number, number])[];
};

/** A row after the sweep: its anomaly score, what detecting it is worth, and the window it belongs to. */
type SweepRow = {
  readonly anomalyScore: number;
  readonly weightedScore: number;
  /** `file|index` of the window holding the row; null outside every window; 'probation' rows are never scored. */
  readonly window: string | null;
  readonly probation: boolean;
};

type ThresholdScore = {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
};

/** σ(y) = 2/(1+e^{5y}) − 1: +0.987 at the left edge of a window (y = −1), 0 at its right edge, −1 far after it. */
const scaledSigmoid = (relativePosition: number): number =>
  // NAB treats anything three window-widths past a window as a plain false positive.
  relativePosition >= 3 ? -1 : 2 / (1 + Math.exp(5 * relativePosition)) - 1;

const probationLength = (rows: number, percent = defaultProbationPercent): number =>
  Math.min(Math.floor(percent * rows), percent * 5000);

/**
 * Weighs every row as NAB does: a detection inside a window earns σ(−(R−i+1)/W)·tp/σ(−1) (so the left edge earns
 * exactly tp), a detection before the first window costs −fp, and one after a window costs σ((i−R)/(W−1))·fp, i.e.
 * almost nothing right after the window and −fp three widths later.
 */
const sweepFile = (file: ScoredFile, cost: CostMatrix, probationPercent = defaultProbationPercent): SweepRow[] => {
  const { timestamps, scores, windows } = file;
  if (timestamps.length !== scores.length) {
    throw new Error(`${file.name}: ${timestamps.length} timestamps but ${scores.length} scores`);
  }
  const indexOf = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!indexOf.has(t)) indexOf.set(t, i);
  });
  const bounds = windows.map(([start, end], w) => {
    const left = indexOf.get(start);
    const right = indexOf.get(end);
    // NAB only enters a window on an exact timestamp match; a window that matches nothing would silently swallow
    // every later window, so fail loudly instead.
    if (left === undefined || right === undefined || right < left) {
      throw new Error(`${file.name}: window ${w} [${start}, ${end}] does not match the file's timestamps`);
    }
    return { left, right, name: `${file.name}|${w}` };
  });
  const maxTp = scaledSigmoid(-1);
  const probation = probationLength(timestamps.length, probationPercent);
  const rows: SweepRow[] = [];
  let next = 0;
  let current: { left: number; right: number; name: string } | undefined;
  let previous: { left: number; right: number } | undefined;
  for (let i = 0; i < timestamps.length; i++) {
    const upcoming = bounds[next];
    if (current === undefined && upcoming !== undefined && upcoming.left === i) {
      current = upcoming;
      next++;
    }
    let weightedScore: number;
    if (current !== undefined) {
      const width = current.right - current.left + 1;
      weightedScore = (scaledSigmoid(-(current.right - i + 1) / width) * cost.tpWeight) / maxTp;
    } else {
      const position = previous === undefined ? 3 : Math.abs(previous.right - i) / (previous.right - previous.left);
      weightedScore = scaledSigmoid(position) * cost.fpWeight;
    }
    const inProbation = i < probation;
    rows.push({
      anomalyScore: scores[i] ?? 0,
      weightedScore,
      window: inProbation ? 'probation' : (current?.name ?? null),
      probation: inProbation,
    });
    if (current !== undefined && i === current.right) {
      previous = current;
      current = undefined;
    }
  }
  return rows;
};

/**
 * Sweeps the threshold from above every score down through each distinct score. At a threshold every row scoring at
 * least it is a detection; each window keeps its best (earliest) detection or costs −fn when it has none, and false
 * positives add up. Returns one entry per threshold, highest threshold first.
 */
const scoresByThreshold = (rows: readonly SweepRow[], cost: CostMatrix): ThresholdScore[] => {
  const scorable = rows.filter((r) => !r.probation).sort((a, b) => b.anomalyScore - a.anomalyScore);
  const best = new Map<string, number>();
  for (const r of scorable) if (r.window !== null) best.set(r.window, -cost.fnWeight);
  let windowsTotal = -cost.fnWeight * best.size;
  let fpTotal = 0;
  let tn = scorable.filter((r) => r.window === null).length;
  let fn = scorable.length - tn;
  let tp = 0;
  let fp = 0;
  const out: ThresholdScore[] = [];
  let threshold = startThreshold;
  for (const r of scorable) {
    if (r.anomalyScore !== threshold) {
      out.push({ threshold, score: windowsTotal + fpTotal, tp, tn, fp, fn });
      threshold = r.anomalyScore;
    }
    if (r.window === null) {
      fp++;
      tn--;
      fpTotal += r.weightedScore;
    } else {
      tp++;
      fn--;
      const was = best.get(r.window) ?? -cost.fnWeight;
      if (r.weightedScore > was) {
        best.set(r.window, r.weightedScore);
        windowsTotal += r.weightedScore - was;
      }
    }
  }
  out.push({ threshold, score: windowsTotal + fpTotal, tp, tn, fp, fn });
  return out;
};

/** NAB's optimiser: one threshold for the whole corpus, the one with the best summed score (highest on ties). */
const optimiseThreshold = (
  files: readonly ScoredFile[],
  cost: CostMatrix,
  probationPercent = defaultProbationPercent,
): ThresholdScore => {
  const rows = files.flatMap((f) => sweepFile(f, cost, probationPercent));
  const sweep = scoresByThreshold(rows, cost);
  let best = sweep[0];
  for (const s of sweep) if (best === undefined || s.score > best.score) best = s;
  if (best === undefined) throw new Error('nothing to score');
  return best;
};

/** One file's score at a fixed threshold: every row with anomaly score ≥ threshold is a detection. */
const scoreFile = (
  file: ScoredFile,
  cost: CostMatrix,
  threshold: number,
  probationPercent = defaultProbationPercent,
): ThresholdScore => {
  const sweep = scoresByThreshold(sweepFile(file, cost, probationPercent), cost);
  // The sweep is ordered from the highest threshold down: the last entry not below `threshold` is the one NAB picks.
  let match = sweep[0];
  for (const s of sweep) {
    if (s.threshold < threshold) break;
    match = s;
  }
  if (match === undefined) throw new Error(`${file.name}: nothing to score`);
  return match;
};

type CorpusResult = {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly raw: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  readonly normalised: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly perFile: readonly { readonly name: string; readonly score: number }[];
};

/**
 * Optimises the threshold, scores every file with it and normalises as NAB's runner does:
 * 100·(S − S_null)/(S_perfect − S_null), where S_null is the score of NAB's null detector (a constant 0.5,
 * threshold optimised like any other) and S_perfect = tp·(number of windows in the labels).
 */
const scoreCorpus = (
  files: readonly ScoredFile[],
  profile: ProfileName,
  probationPercent = defaultProbationPercent,
): CorpusResult => {
  const cost = profiles[profile];
  const { threshold } = optimiseThreshold(files, cost, probationPercent);
  const perFile = files.map((f) => ({ name: f.name, ...scoreFile(f, cost, threshold, probationPercent) }));
  const raw = perFile.reduce((sum, f) => sum + f.score, 0);
  const nullFiles = files.map((f) => ({ ...f, scores: f.scores.map(() => 0.5) }));
  const nullThreshold = optimiseThreshold(nullFiles, cost, probationPercent).threshold;
  const nullScore = nullFiles.reduce((sum, f) => sum + scoreFile(f, cost, nullThreshold, probationPercent).score, 0);
  const perfectScore = cost.tpWeight * files.reduce((n, f) => n + f.windows.length, 0);
  return {
    profile,
    threshold,
    raw,
    nullScore,
    perfectScore,
    normalised: (100 * (raw - nullScore)) / (perfectScore - nullScore),
    tp: perFile.reduce((n, f) => n + f.tp, 0),
    fp: perFile.reduce((n, f) => n + f.fp, 0),
    fn: perFile.reduce((n, f) => n + f.fn, 0),
    perFile: perFile.map((f) => ({ name: f.name, score: f.score })),
  };
};

const defaultCorpus = fileURLToPath(new URL('../../bench/data/nab/', import.meta.url));

const parseNabTimestamp = (s: string): number =>
  Date.parse(
    `${s
      .trim()
      .replace(' ', 'T')
      .replace(/\.\d+$/, '')}Z`,
  );

/**
 * scripts/bench.ts runs every module in this folder, so this one has a main too: `npm run bench -- nab-scoring
 * <results>/<detector> [--corpus DIR]` scores another detector's NAB-format results with this port (a cross-check
 * against NAB's scoreboard), every file of the corpus's labels (default: bench/data/nab) that the folder has a result
 * for; without an argument it has nothing to score and says so.
 */
const main = async (args: string[]): Promise<void> => {
  const dir = args[0];
  if (dir === undefined) {
    console.log('nab-scoring: pass a NAB results folder (<results>/<detector>) to score it; nothing to do.');
    return;
  }
  const corpusAt = args.indexOf('--corpus');
  const corpus = corpusAt >= 0 ? args[corpusAt + 1] : defaultCorpus;
  if (corpus === undefined) throw new Error('--corpus needs a directory');
  const detector = dir.replace(/\/+$/, '').split('/').at(-1) ?? '';
  const labels = JSON.parse(readFileSync(join(corpus, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const files: ScoredFile[] = Object.entries(labels).flatMap(([path, windows]) => {
    const [category, name] = path.split('/');
    const file = join(dir, category ?? '', `${detector}_${name ?? ''}`);
    if (!existsSync(file)) return [];
    const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
    const column = (header ?? '').split(',').indexOf('anomaly_score');
    const cells = lines.map((l) => l.split(','));
    return [
      {
        name: path,
        timestamps: cells.map((c) => parseNabTimestamp(c[0] ?? '')),
        scores: cells.map((c) => Number(c[column])),
        windows: windows.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const),
      },
    ];
  });
  console.log(`nab-scoring: ${detector}, ${files.length} of ${Object.keys(labels).length} files`);
  for (const profile of profileNames) {
    const r = scoreCorpus(files, profile);
    console.log(`  ${profile.padEnd(18)} ${r.normalised.toFixed(1).padStart(5)}  (threshold ${r.threshold})`);
  }
};

export type { CorpusResult, CostMatrix, ProfileName, ScoredFile, SweepRow, ThresholdScore };
export {
  defaultProbationPercent,
  main,
  optimiseThreshold,
  probationLength,
  profileNames,
  profiles,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  scoresByThreshold,
  sweepFile,
};

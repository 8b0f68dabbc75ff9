// NAB's simplest baseline, Windowed Gaussian, for context beside the detector's figures on any corpus: each value's
// score is 1 − Q(|z|), its z against the mean and standard deviation of the last 6,400 values (recomputed every 100
// once the window is full), as NAB's windowedGaussian detector does. It scores 40.3 in NAB's own results on the
// development split (41.0 with this port and nab-scoring.ts); a corpus on which the detector comes close to it is one
// the detector does not handle.
import { normalTailLog10 } from '../../functions/reads/domain/likelihood.ts';

const WINDOW = 6400;
const STEP = 100;
// NAB's floor for a window of identical values.
const MIN_STD = 0.000001;

/** One score per value, strictly online (each uses only the values before it). */
const windowedGaussianScores = (values: readonly number[]): number[] => {
  let window: number[] = [];
  let pending: number[] = [];
  let mean = 0;
  let std = MIN_STD;
  const refit = () => {
    mean = window.reduce((sum, v) => sum + v, 0) / window.length;
    const variance = window.reduce((sum, v) => sum + (v - mean) ** 2, 0) / window.length;
    std = Math.sqrt(variance) || MIN_STD;
  };
  return values.map((value) => {
    const score = window.length === 0 ? 0 : 1 - 10 ** -normalTailLog10(Math.abs(value - mean) / std);
    if (window.length < WINDOW) {
      window.push(value);
      refit();
    } else {
      pending.push(value);
      if (pending.length === STEP) {
        window = [...window.slice(STEP), ...pending];
        pending = [];
        refit();
      }
    }
    return score;
  });
};

export { windowedGaussianScores };

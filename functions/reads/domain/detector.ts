// Read-spike detector: pure, online, O(1) per bucket, with a small JSON state per secret (≤ 2 KB, stored in
// DynamoDB between invocations). The expected count of a bucket is level × hour-of-day × hour-of-week profile,
// learned in log space; surprise is measured against the learned dispersion but never below Poisson noise, so a
// rarely read secret going from 0 to 3 reads is not an alarm.
//
// A bucket counts as surprising only against both a fast level (hours) and a slow one (days), so neither the
// return to normal after an outage nor the dip back after a burst alarms. Two horizons are watched: the bucket
// itself (a burst) and a smoothed surprise over the last half hour or so (a level shift that no single bucket makes
// obvious). Their larger is then compared with the key's own recent history of that statistic (an anomaly
// likelihood, as in Numenta's HTM detector): a secret whose reads are bursty by nature must beat its usual surprise
// to alarm, without one burst muting the next one a day later.

type DetectorParams = {
  /** Half-life of the level (the deseasonalised log count): how fast a new normal is accepted. */
  readonly levelHalfLifeMs: number;
  /** Half-life of the slow level: a bucket must also be surprising against it (no alarm on a return to normal). */
  readonly slowHalfLifeMs: number;
  /** Half-life of the dispersion estimate (mean absolute residual in log space). */
  readonly dispersionHalfLifeMs: number;
  /** Half-life of the hour-of-day profile, in days of data. */
  readonly dailyHalfLifeDays: number;
  /** Half-life of the hour-of-week correction, in weeks of data. */
  readonly weeklyHalfLifeWeeks: number;
  /** Residuals are clipped to this many deviations before they update the model, so a burst does not teach it. */
  readonly clipSigmas: number;
  /** Lowest log-space deviation: a perfectly flat series must not turn every wobble into infinite surprise. */
  readonly minSigma: number;
  /** Poisson floor: the expected rate used for the Poisson bound is at least this many reads per bucket. */
  readonly minRate: number;
  /** Half-life of the smoothed surprise that catches level shifts too small for a single bucket. */
  readonly shiftHalfLifeMs: number;
  /** Surprise fed to the smoothed statistic is clipped here, so one huge bucket does not pose as a level shift. */
  readonly shiftClip: number;
  /**
   * Most independent buckets the smoothed surprise may count as evidence. Residuals of neighbouring buckets are
   * correlated (no model is exact), so with short buckets √n would turn a slight misfit into a large deviation.
   */
  readonly shiftEvidence: number;
  /** Weight of the (normalised) smoothed surprise against the bucket's own. */
  readonly shiftWeight: number;
  /** Lowest combined surprise (in deviations) that can score 0.5, however calm the key's history is. */
  readonly alertZ: number;
  /** Half-life of the key's history of combined surprise (its mean and mean absolute deviation). */
  readonly historyHalfLifeMs: number;
  /** The combined surprise must also stand this many of its own deviations above its recent mean to score 0.5. */
  readonly likelihoodZ: number;
  /** Lowest deviation of the surprise history, so a key that has been perfectly predictable is not hair-triggered. */
  readonly minHistoryDev: number;
  /** 'up' watches read spikes only; 'both' also scores drops (useful on generic benchmarks). */
  readonly direction: 'up' | 'both';
  /** No score before this much history and this many buckets: a new secret has no normal yet. */
  readonly warmupMs: number;
  readonly warmupBuckets: number;
  /** An episode ends after this long without an anomalous bucket; the next anomalous bucket alerts again. */
  readonly episodeGapMs: number;
  /** No new alert this soon after the previous one, even if an episode ended and another began: alert fatigue. */
  readonly refractoryMs: number;
  /**
   * An episode that begins during the refractory period still alerts if its score beats the last alert's by this
   * much: a minor alert must not hide a major incident that follows it.
   */
  readonly escalation: number;
  /** A bucket is anomalous when its score reaches this. */
  readonly threshold: number;
  /** Gaps longer than this count as this long when decaying estimates, so a quiet week does not erase history. */
  readonly maxGapMs: number;
};

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

// One parameter set for every key (and for every file of the NAB benchmark, where it was tuned with direction 'both':
// scripts/bench/nab.ts). Time constants are in wall-clock time, so 1-minute and 30-minute buckets behave alike.
const defaultDetectorParams = {
  levelHalfLifeMs: 90 * minute,
  slowHalfLifeMs: 2 * day,
  dispersionHalfLifeMs: 3 * day,
  dailyHalfLifeDays: 2,
  weeklyHalfLifeWeeks: 3,
  clipSigmas: 4,
  minSigma: 0.02,
  minRate: 2,
  shiftHalfLifeMs: 30 * minute,
  shiftClip: 4,
  shiftEvidence: 20,
  shiftWeight: 1,
  alertZ: 6,
  historyHalfLifeMs: 2 * day,
  likelihoodZ: 8,
  minHistoryDev: 0.3,
  direction: 'up',
  warmupMs: 12 * hour,
  warmupBuckets: 30,
  episodeGapMs: 4 * hour,
  refractoryMs: 1 * day,
  escalation: 0.1,
  threshold: 0.4,
  maxGapMs: 6 * hour,
} as const satisfies DetectorParams;

/**
 * Everything the detector remembers about one key. Kept in its persisted form (rounded numbers, integer profiles)
 * after every update, so a detector that reloads its state from storage each bucket behaves exactly like one that
 * keeps it in memory.
 */
type DetectorState = {
  readonly v: 2;
  /** Buckets seen. */
  readonly n: number;
  /** First and last bucket timestamps (ms). */
  readonly t0: number;
  readonly t: number;
  /** Level of log(1 + count) after removing the seasonal profile. */
  readonly lvl: number;
  /** The same level with a slow half-life: the longer-term normal. */
  readonly slow: number;
  /** Mean absolute residual in log space. */
  readonly dev: number;
  /** Smoothed signed surprise (deviations) and its weight-of-evidence (sum of squared EWMA weights). */
  readonly sh: number;
  readonly shv: number;
  /** Recent mean and mean absolute deviation of the combined surprise. */
  readonly hm: number;
  readonly hd: number;
  /** Hour-of-day (UTC) profile, log space, in thousandths. */
  readonly hod: readonly number[];
  /** Hour-of-week (UTC, Monday 00:00 first) correction on top of hod, log space, in thousandths. */
  readonly how: readonly number[];
  /** Timestamp of the last anomalous bucket of the current episode, 0 when none is under way. */
  readonly ep: number;
  /** Timestamp and score of the last alert, 0 when none (the score decides whether a new episode escalates). */
  readonly al: number;
  readonly as: number;
};

type Bucket = { readonly timestamp: number; readonly count: number };

type DetectorResult = {
  readonly state: DetectorState;
  /** 0..1; 0.5 is where the surprise reaches both `alertZ` and `likelihoodZ` of the key's own history. */
  readonly score: number;
  /** Expected count for this bucket before seeing it. */
  readonly expected: number;
  /** +1 when the bucket is above expectation, −1 below, 0 when neither (lets a caller filter direction). */
  readonly direction: -1 | 0 | 1;
  readonly isAnomaly: boolean;
  /** True only on the first anomalous bucket of an episode. */
  readonly alert: boolean;
};

// Profiles are stored as integers: thousandths of a log unit keep 0.1 % resolution at ≤ 5 characters a slot.
const profileScale = 1000;
const profileLimit = 9999;
// Mean absolute deviation → standard deviation for a normal distribution.
const madToSigma = 1.2533;
// Mean and mean absolute deviation of |z| for standard normal z: the surprise history of a perfectly modelled key,
// which is where every key's history starts (the warm-up's surprises measure the model's ignorance, not the key).
const nullMean = 0.7979;
const nullDev = 0.4822;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Fraction to move an exponentially weighted average after `dt` for a given half-life. */
const decay = (dt: number, halfLife: number): number => (halfLife <= 0 ? 1 : 1 - 2 ** (-dt / halfLife));

const createDetectorState = (_params: DetectorParams = defaultDetectorParams): DetectorState => ({
  v: 2,
  n: 0,
  t0: 0,
  t: 0,
  lvl: 0,
  slow: 0,
  dev: 0,
  sh: 0,
  shv: 0,
  hm: nullMean,
  hd: nullDev,
  hod: new Array<number>(24).fill(0),
  how: new Array<number>(168).fill(0),
  ep: 0,
  al: 0,
  as: 0,
});

const slotsOf = (timestamp: number): { h: number; w: number } => {
  const d = new Date(timestamp);
  const h = d.getUTCHours();
  // getUTCDay: Sunday = 0; the profile starts on Monday.
  const w = ((d.getUTCDay() + 6) % 7) * 24 + h;
  return { h, w };
};

/** Signed surprise of `count` against the model: the log-space z, but never more extreme than Poisson noise allows. */
const surprise = (count: number, predictedLog: number, sigma: number, params: DetectorParams): number => {
  const zLog = (Math.log1p(count) - predictedLog) / sigma;
  const rate = Math.max(Math.expm1(predictedLog), params.minRate);
  const zPoisson = (count - rate) / Math.sqrt(rate);
  if (Math.sign(zLog) !== Math.sign(zPoisson)) return 0;
  return Math.abs(zLog) < Math.abs(zPoisson) ? zLog : zPoisson;
};

const updateDetector = (
  state: DetectorState,
  bucket: Bucket,
  params: DetectorParams = defaultDetectorParams,
): DetectorResult => {
  // A state persisted by an older version has other fields: re-learning costs one warm-up, whereas misreading it
  // could alarm or mute the key for days.
  if ((state as { readonly v: number }).v !== 2) return updateDetector(createDetectorState(params), bucket, params);

  const count = Math.max(0, bucket.count);
  const y = Math.log1p(count);
  const { h, w } = slotsOf(bucket.timestamp);
  const hod = [...state.hod];
  const how = [...state.how];
  const seasonal = ((hod[h] ?? 0) + (how[w] ?? 0)) / profileScale;

  if (state.n === 0) {
    // The first bucket is the only evidence of a level; the profile starts flat.
    return {
      state: {
        ...state,
        n: 1,
        t0: bucket.timestamp,
        t: bucket.timestamp,
        lvl: round(y, 5),
        slow: round(y, 5),
        hod,
        how,
      },
      score: 0,
      expected: count,
      direction: 0,
      isAnomaly: false,
      alert: false,
    };
  }

  const dt = clamp(bucket.timestamp - state.t, minute, params.maxGapMs);
  const predicted = state.lvl + seasonal;
  const expected = Math.max(0, Math.expm1(predicted));
  const sigma = Math.max(madToSigma * state.dev, params.minSigma);
  // A bucket is surprising only if it is surprising against both the recent level and the slow one: reads coming
  // back after an outage are a return to normal, not a burst (and a dip back after a burst is not a drop).
  const predictedSlow = state.slow + seasonal;
  const zFast = surprise(count, predicted, sigma, params);
  const zSlow = surprise(count, predictedSlow, sigma, params);
  const z = Math.sign(zFast) !== Math.sign(zSlow) ? 0 : Math.abs(zFast) < Math.abs(zSlow) ? zFast : zSlow;

  // Early on, average plainly (1/n) so the first buckets set level and dispersion instead of a slow drift from 0.
  const n = state.n + 1;
  const early = 1 / n;
  const a = Math.max(decay(dt, params.levelHalfLifeMs), early);
  const b = Math.max(decay(dt, params.dispersionHalfLifeMs), early);
  const residual = y - predicted;
  const limit = params.clipSigmas * sigma;
  // Until the dispersion is known, clipping would freeze the level at the first bucket: let residuals through.
  const clipped = n <= params.warmupBuckets ? residual : clamp(residual, -limit, limit);
  const gd = decay(dt, params.dailyHalfLifeDays * hour);
  const gw = decay(dt, params.weeklyHalfLifeWeeks * hour);
  hod[h] = clamp(Math.round((hod[h] ?? 0) + gd * clipped * profileScale), -profileLimit, profileLimit);
  how[w] = clamp(Math.round((how[w] ?? 0) + gw * clipped * profileScale), -profileLimit, profileLimit);
  const lvl = state.lvl + a * clipped;
  const slowResidual = y - predictedSlow;
  const slowClipped = n <= params.warmupBuckets ? slowResidual : clamp(slowResidual, -limit, limit);
  const slow = state.slow + Math.max(decay(dt, params.slowHalfLifeMs), early) * slowClipped;
  const dev = state.dev + b * (Math.min(Math.abs(residual), limit || Math.abs(residual)) - state.dev);

  // Medium horizon: an EWMA of the (clipped) surprise, divided by its own standard deviation under independent
  // noise, sqrt(Σw²), so it reads in deviations: with 5-minute buckets, half an hour at +1.5σ reads about like one
  // bucket at +6σ.
  const s = decay(dt, params.shiftHalfLifeMs);
  const sh = (1 - s) * state.sh + s * clamp(z, -params.shiftClip, params.shiftClip);
  const shv = (1 - s) ** 2 * state.shv + s * s;
  const zShift = shv > 0 ? sh / Math.sqrt(Math.max(shv, 1 / params.shiftEvidence)) : 0;
  const zUp = Math.max(0, z, params.shiftWeight * zShift);
  const zDown = Math.max(0, -z, -params.shiftWeight * zShift);
  const combined = params.direction === 'up' ? zUp : Math.max(zUp, zDown);
  const direction = combined === 0 ? 0 : params.direction === 'up' || zUp >= zDown ? 1 : -1;

  // Anomaly likelihood: how far the combined surprise stands above the key's own recent surprises. The history
  // learns from a clipped value, so a burst barely moves it and a repeat burst days later still alarms.
  const warm = n > params.warmupBuckets && bucket.timestamp - state.t0 >= params.warmupMs;
  const hDev = Math.max(madToSigma * state.hd, params.minHistoryDev);
  const relative = (combined - state.hm) / hDev;
  const ratio = Math.min(combined / params.alertZ, relative / params.likelihoodZ);
  const score = warm && ratio > 0 ? ratio / (ratio + 1) : 0;
  const c = warm ? decay(dt, params.historyHalfLifeMs) : 0;
  const learned = Math.min(combined, state.hm + params.clipSigmas * hDev);
  const hm = state.hm + c * (learned - state.hm);
  const hd = state.hd + c * (Math.abs(learned - state.hm) - state.hd);

  const isAnomaly = warm && score >= params.threshold;
  const inEpisode = state.ep !== 0 && bucket.timestamp - state.ep <= params.episodeGapMs;
  const rested =
    state.al === 0 ||
    bucket.timestamp - state.al > params.refractoryMs ||
    round(score, 6) >= state.as + params.escalation;
  const alert = isAnomaly && !inEpisode && rested;
  const al = alert ? bucket.timestamp : state.al;
  const as = alert ? round(score, 6) : state.as;
  const ep = isAnomaly ? bucket.timestamp : inEpisode ? state.ep : 0;

  return {
    state: {
      v: 2,
      n,
      t0: state.t0,
      t: bucket.timestamp,
      lvl: round(lvl, 5),
      slow: round(slow, 5),
      dev: round(dev, 5),
      sh: round(sh, 5),
      shv: round(shv, 6),
      hm: round(hm, 4),
      hd: round(hd, 4),
      hod,
      how,
      ep,
      al,
      as,
    },
    score: round(score, 6),
    expected: round(expected, 3),
    direction,
    isAnomaly,
    alert,
  };
};

export type { Bucket, DetectorParams, DetectorResult, DetectorState };
export { createDetectorState, defaultDetectorParams, updateDetector };

// Read-spike detector: pure, online, O(1) per bucket, with a small JSON state per secret (≤ 2 KB, stored in
// DynamoDB between invocations). One parameter set serves every key: what differs between keys (their level, their
// noise, whether they have a daily shape, how bursty they are by nature) is learned from the key's own history.
//
// - Expectation: a level × hour-of-day × day-of-week profile, in log space for counts (read counts are
//   multiplicative: a busy hour is "3× the night", not "+40") and in plain units for other series (the NAB benchmark
//   has CPU percentages and negative values). The profile is used only while it predicts better than the plain level
//   does: seasonality is learned only when it is there.
// - Surprise of a bucket: its deviation from the expectation in units of the key's own (robust) dispersion, but for
//   counts never more extreme than Poisson noise allows, so a rarely read secret going from 0 to 3 reads is not an
//   alarm. It must also be surprising against a slow level, so the return to normal after an outage is not a burst.
// - Two horizons: the bucket itself (a burst) and a smoothed surprise over the last half hour or so (a shift that no
//   single bucket makes obvious).
// - Novelty: how far the bucket lies beyond the highest (or lowest) value of the last weeks, as a fraction of that
//   range. Most incidents are values a key has never reached, which holds on a noisy key too.
// - Anomaly likelihood (as Numenta's HTM detector does): the surprise must also stand out from the key's own recent
//   surprises, so a key that is bursty by nature must beat its usual bursts to alarm.
// - One alert per episode, then a refractory period that only a clearly bigger incident breaks through.

type DetectorParams = {
  /** Half-life of the level: how fast a new normal is accepted. */
  readonly levelHalfLifeMs: number;
  /** Half-life of the slow level: a bucket must also be surprising against it (no alarm on a return to normal). */
  readonly slowHalfLifeMs: number;
  /** Half-life of the dispersion estimate (mean absolute residual). */
  readonly dispersionHalfLifeMs: number;
  /** Half-life of the hour-of-day profile, in days of data. */
  readonly dailyHalfLifeDays: number;
  /** Half-life of the day-of-week correction, in weeks of data. */
  readonly weeklyHalfLifeWeeks: number;
  /** Residuals are clipped to this many deviations before they update the model, so a burst does not teach it. */
  readonly clipSigmas: number;
  /**
   * Lowest deviation, relative to the key's typical magnitude (for counts: in log space, i.e. relative too): a
   * perfectly flat series must not turn every wobble into infinite surprise.
   */
  readonly minSigma: number;
  /** Poisson floor (counts only): the expected rate used for the Poisson bound is at least this many per bucket. */
  readonly minRate: number;
  /** Half-life of the smoothed surprise that catches level shifts too small for a single bucket. */
  readonly shiftHalfLifeMs: number;
  /**
   * Most independent buckets the smoothed surprise may count as evidence. Residuals of neighbouring buckets are
   * correlated (no model is exact), so with short buckets √n would turn a slight misfit into a large deviation.
   */
  readonly shiftEvidence: number;
  /** Lowest combined surprise (in deviations) that can score 0.5, however calm the key's history is. */
  readonly alertZ: number;
  /** Half-life of the key's history of combined surprise (its mean and mean absolute deviation). */
  readonly historyHalfLifeMs: number;
  /** The combined surprise must also stand this many of its own deviations above its recent mean to score 0.5. */
  readonly likelihoodZ: number;
  /** Lowest deviation of the surprise history, so a key that has been perfectly predictable is not hair-triggered. */
  readonly minHistoryDev: number;
  /** Half-life with which the highest and lowest values seen fall back towards the level. */
  readonly rangeHalfLifeMs: number;
  /** A bucket this far beyond the range seen (as a fraction of the range) scores 0.5 on novelty alone. */
  readonly rangeFraction: number;
  /**
   * How much of a time of day's remembered rise survives each day it does not recur (0..1). A bucket that rises at
   * the time of day earlier days rose at is judged net of what those days taught: a daily cron job or deploy stops
   * alarming after a few days, a one-off burst is forgotten within a few days.
   */
  readonly recurrenceDecay: number;
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

// One parameter set for every key (and for every file of the NAB benchmark, direction 'both' there). The values and
// how they were chosen (leave-one-category-out on NAB's development split) are in docs/read-anomalies.md. Time
// constants are in wall-clock time, so 1-minute and 30-minute buckets behave alike.
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
  shiftEvidence: 20,
  alertZ: 6,
  historyHalfLifeMs: 2 * day,
  likelihoodZ: 8,
  minHistoryDev: 0.3,
  rangeHalfLifeMs: 14 * day,
  rangeFraction: 0.1,
  recurrenceDecay: 0.5,
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
 * Everything the detector remembers about one key. Kept in its persisted form (numbers rounded to a few significant
 * digits) after every update, so a detector that reloads its state from storage each bucket behaves exactly like one
 * that keeps it in memory.
 */
type DetectorState = {
  readonly v: 3;
  /** Buckets seen. */
  readonly n: number;
  /** First and last bucket timestamps (ms). */
  readonly t0: number;
  readonly t: number;
  /** 1 while every value seen is a non-negative integer (a count: log space, Poisson floor), else 0. */
  readonly c: 0 | 1;
  /** Level of the (transformed) value after removing the seasonal profile, and the same with a slow half-life. */
  readonly lvl: number;
  readonly slow: number;
  /** Level and dispersion of the plain model (no profile), which the profile must beat to be used. */
  readonly pl: number;
  readonly pd: number;
  /** Mean absolute residual of the seasonal model. */
  readonly dev: number;
  /** Mean absolute transformed value: the key's magnitude, for the relative floor of the deviation. */
  readonly mag: number;
  /** Smoothed signed surprise (deviations) and its weight-of-evidence (sum of squared EWMA weights). */
  readonly sh: number;
  readonly shv: number;
  /** Recent mean and mean absolute deviation of the combined surprise. */
  readonly hm: number;
  readonly hd: number;
  /** Highest and lowest transformed values seen, falling back towards the level with rangeHalfLifeMs. */
  readonly hi: number;
  readonly lo: number;
  /** Hour-of-day (UTC) profile and day-of-week (UTC, Monday first) correction on top of it. */
  readonly hod: readonly number[];
  readonly dow: readonly number[];
  /**
   * Recurring surprise per 10 minutes of the day (UTC), one base-36 digit each (half-deviations, 0–35): what the same
   * time on earlier days has taught the key to expect beyond its profile.
   */
  readonly rc: string;
  /** The slot being visited and the largest rise (deviations) of the visit so far, learned when the visit ends. */
  readonly rv: number;
  readonly rx: number;
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

// The day in 10-minute slots for the recurring-surprise memory. A bucket is excused by its own slot and the next one
// (a job that runs up to 10–20 minutes earlier than the day before); not by the previous slot, which today's visit
// may already have written: a burst spanning two slots must not excuse itself.
const recurrenceSlots = 144;
const recurrenceSlotMs = day / recurrenceSlots;
// Stored in half-deviations, one base-36 digit a slot (0–35, so at most 17.5 deviations are ever excused).
const recurrenceUnit = 0.5;
const recurrenceMax = 35;

// Mean absolute deviation → standard deviation for a normal distribution.
const madToSigma = 1.2533;
// Mean and mean absolute deviation of |z| for standard normal z: the surprise history of a perfectly modelled key,
// which is where every key's history starts (the warm-up's surprises measure the model's ignorance, not the key).
const nullMean = 0.7979;
const nullDev = 0.4822;

/** Rounds to `digits` significant digits: the persisted form, a few characters per number whatever its scale. */
const sig = (x: number, digits = 6): number => (x === 0 || !Number.isFinite(x) ? 0 : Number(x.toPrecision(digits)));

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Fraction to move an exponentially weighted average after `dt` for a given half-life. */
const decay = (dt: number, halfLife: number): number => (halfLife <= 0 ? 1 : 1 - 2 ** (-dt / halfLife));

const createDetectorState = (_params: DetectorParams = defaultDetectorParams): DetectorState => ({
  v: 3,
  n: 0,
  t0: 0,
  t: 0,
  c: 1,
  lvl: 0,
  slow: 0,
  pl: 0,
  pd: 0,
  dev: 0,
  mag: 0,
  sh: 0,
  shv: 0,
  hm: nullMean,
  hd: nullDev,
  hi: 0,
  lo: 0,
  hod: new Array<number>(24).fill(0),
  dow: new Array<number>(7).fill(0),
  rc: '0'.repeat(recurrenceSlots),
  rv: 0,
  rx: 0,
  ep: 0,
  al: 0,
  as: 0,
});

const slotsOf = (timestamp: number): { h: number; d: number } => {
  const date = new Date(timestamp);
  // getUTCDay: Sunday = 0; the profile starts on Monday.
  return { h: date.getUTCHours(), d: (date.getUTCDay() + 6) % 7 };
};

/** Counts live in log space (multiplicative); any other series as it is. */
const transform = (value: number, counts: boolean): number => (counts ? Math.log1p(value) : value);
const untransform = (y: number, counts: boolean): number => (counts ? Math.max(0, Math.expm1(y)) : y);

/** Signed surprise of `value` against a prediction: the z, but for counts never more extreme than Poisson noise. */
const surprise = (value: number, y: number, predicted: number, sigma: number, counts: boolean, minRate: number) => {
  const z = (y - predicted) / sigma;
  if (!counts) return z;
  const rate = Math.max(Math.expm1(predicted), minRate);
  const zPoisson = (value - rate) / Math.sqrt(rate);
  if (Math.sign(z) !== Math.sign(zPoisson)) return 0;
  return Math.abs(z) < Math.abs(zPoisson) ? z : zPoisson;
};

/** The smaller of two signed surprises, 0 when they disagree in sign. */
const weaker = (a: number, b: number): number =>
  Math.sign(a) !== Math.sign(b) ? 0 : Math.abs(a) < Math.abs(b) ? a : b;

const updateDetector = (
  state: DetectorState,
  bucket: Bucket,
  params: DetectorParams = defaultDetectorParams,
): DetectorResult => {
  // A state persisted by an older version has other fields: re-learning costs one warm-up, whereas misreading it
  // could alarm or mute the key for days.
  if ((state as { readonly v: number }).v !== 3) return updateDetector(createDetectorState(params), bucket, params);

  const value = Number.isFinite(bucket.count) ? bucket.count : 0;
  // A key stays a count while every value is a non-negative integer (read counts always are); one fractional or
  // negative value makes it a plain series for good, and its level restarts in plain units.
  const counts = state.c === 1 && Number.isInteger(value) && value >= 0;
  const y = transform(value, counts);
  const { h, d } = slotsOf(bucket.timestamp);

  if (state.n === 0 || counts !== (state.c === 1)) {
    // The first bucket is the only evidence of a level; the profile starts flat.
    return {
      state: {
        ...createDetectorState(params),
        n: state.n + 1,
        t0: state.n === 0 ? bucket.timestamp : state.t0,
        t: bucket.timestamp,
        c: counts ? 1 : 0,
        lvl: sig(y),
        slow: sig(y),
        pl: sig(y),
        mag: sig(Math.abs(y)),
        hi: sig(y),
        lo: sig(y),
      },
      score: 0,
      expected: value,
      direction: 0,
      isAnomaly: false,
      alert: false,
    };
  }

  const hod = [...state.hod];
  const dow = [...state.dow];
  const seasonal = (hod[h] ?? 0) + (dow[d] ?? 0);
  // The profile is used only while it predicts better than the plain level: a key without a daily shape is judged
  // against its level alone, and the profile's noise cannot add surprise.
  const seasonalWins = state.dev < state.pd;
  const predicted = seasonalWins ? state.lvl + seasonal : state.pl;
  const predictedSlow = state.slow + (seasonalWins ? seasonal : 0);
  const expected = untransform(predicted, counts);

  const dt = clamp(bucket.timestamp - state.t, minute, params.maxGapMs);
  const floor = Math.max(params.minSigma * (counts ? 1 : state.mag), Number.MIN_VALUE);
  const sigma = Math.max(madToSigma * (seasonalWins ? state.dev : state.pd), floor);
  // A bucket is surprising only if it is surprising against both the recent level and the slow one: reads coming
  // back after an outage are a return to normal, not a burst (and a dip back after a burst is not a drop).
  const raw = weaker(
    surprise(value, y, predicted, sigma, counts, params.minRate),
    surprise(value, y, predictedSlow, sigma, counts, params.minRate),
  );
  // Recurrence: a rise at a time of day that rose on earlier days is judged net of what those days taught. The memory
  // learns halfway towards each rise (so it takes a few days to excuse one fully) and forgets a slot that stays quiet.
  const slotOf = (t: number): number => Math.floor((((t % day) + day) % day) / recurrenceSlotMs);
  const slot = slotOf(bucket.timestamp);
  const digit = (x: number): string => Math.min(recurrenceMax, Math.round(x / recurrenceUnit)).toString(36);
  const stored = (rc: string, i: number): number =>
    recurrenceUnit * Number.parseInt(rc[(i + recurrenceSlots) % recurrenceSlots] ?? '0', 36);
  // A visit to a slot (its buckets of one day) is learned when it ends, so a burst never excuses itself: the slot's
  // memory forgets once (recurrenceDecay) and moves halfway towards the visit's largest rise.
  const newVisit = state.rv !== slot || bucket.timestamp - state.t >= recurrenceSlotMs;
  let rc = state.rc;
  if (newVisit) {
    const kept = stored(rc, state.rv) * params.recurrenceDecay;
    // A recurring rise moves the memory halfway towards itself (1/2, 3/4, 7/8 of it excused on days 2, 3, 4); a day
    // without one lets it fade.
    // Only a clear rise (an outlier, beyond clipSigmas) is remembered: the everyday noise of a slot is the profile's
    // and the dispersion's business, and excusing it would blunt every later shift at that time of day.
    const rise = state.rx >= params.clipSigmas ? state.rx : 0;
    const learned = rise > 0 ? (stored(rc, state.rv) + rise) / 2 : kept;
    rc = `${rc.slice(0, state.rv)}${digit(learned)}${rc.slice(state.rv + 1)}`;
  }
  // The next slot still holds what earlier days taught (today has not reached it); the previous one may hold today.
  const excused = Math.max(stored(rc, slot), stored(rc, slot + 1));
  const z = raw > 0 ? Math.max(0, raw - excused) : raw;
  const rv = slot;
  const rx = sig(Math.max(newVisit ? 0 : state.rx, raw), 3);

  // Early on, average plainly (1/n) so the first buckets set level and dispersion instead of a slow drift from 0.
  const n = state.n + 1;
  const early = 1 / n;
  const learning = n <= params.warmupBuckets;
  const a = Math.max(decay(dt, params.levelHalfLifeMs), early);
  const b = Math.max(decay(dt, params.dispersionHalfLifeMs), early);
  const limit = params.clipSigmas * sigma;
  // Until the dispersion is known, clipping would freeze the level at the first bucket: let residuals through.
  const clip = (r: number): number => (learning ? r : clamp(r, -limit, limit));
  const residual = y - (state.lvl + seasonal);
  const gd = decay(dt, params.dailyHalfLifeDays * hour);
  const gw = decay(dt, params.weeklyHalfLifeWeeks * 7 * 24 * hour);
  hod[h] = sig((hod[h] ?? 0) + gd * clip(residual), 4);
  dow[d] = sig((dow[d] ?? 0) + gw * clip(residual), 4);
  const lvl = state.lvl + a * clip(residual);
  const dev = state.dev + b * (Math.abs(clip(residual)) - state.dev);
  const plainResidual = y - state.pl;
  const pl = state.pl + a * clip(plainResidual);
  const pd = state.pd + b * (Math.abs(clip(plainResidual)) - state.pd);
  const slow = state.slow + Math.max(decay(dt, params.slowHalfLifeMs), early) * clip(y - predictedSlow);
  const mag = state.mag + b * (Math.abs(y) - state.mag);

  // Medium horizon: an EWMA of the (clipped) surprise, divided by its own standard deviation under independent
  // noise, sqrt(Σw²), so it reads in deviations: with 5-minute buckets, half an hour at +1.5σ reads about like one
  // bucket at +6σ.
  const s = decay(dt, params.shiftHalfLifeMs);
  const sh = (1 - s) * state.sh + s * clamp(z, -params.clipSigmas, params.clipSigmas);
  const shv = (1 - s) ** 2 * state.shv + s * s;
  const zShift = shv > 0 ? sh / Math.sqrt(Math.max(shv, 1 / params.shiftEvidence)) : 0;
  const zUp = Math.max(0, z, zShift);
  const zDown = Math.max(0, -z, -zShift);
  const combined = params.direction === 'up' ? zUp : Math.max(zUp, zDown);

  // Novelty: beyond the range of the last weeks, as a fraction of that range. For counts the range is never narrower
  // than Poisson noise around the expectation allows (clipSigmas deviations), so a rarely read secret's first 5 reads
  // in a minute are not "beyond its range"; and novelty is weighed by how surprising the bucket is (up to clipSigmas
  // deviations), so a recurring job slightly above yesterday's peak is not new.
  const rate = Math.max(expected, params.minRate);
  const top = counts ? Math.max(state.hi, Math.log1p(rate + params.clipSigmas * Math.sqrt(rate))) : state.hi;
  const range = Math.max(top - state.lo, sigma);
  const above = (y - top) / range;
  const below = (state.lo - y) / range;
  const weight = Math.min(1, Math.abs(z) / params.clipSigmas);
  const novelty = (weight * Math.max(0, above, params.direction === 'up' ? 0 : below)) / params.rangeFraction;
  const r = decay(dt, params.rangeHalfLifeMs);
  const hi = Math.max(y, state.hi - r * (state.hi - pl));
  const lo = Math.min(y, state.lo + r * (pl - state.lo));

  // Anomaly likelihood: how far the combined surprise stands above the key's own recent surprises. The history
  // learns from a clipped value, so a burst barely moves it and a repeat burst days later still alarms.
  const warm = !learning && bucket.timestamp - state.t0 >= params.warmupMs;
  const hDev = Math.max(madToSigma * state.hd, params.minHistoryDev);
  const relative = (combined - state.hm) / hDev;
  const ratio = Math.max(Math.min(combined / params.alertZ, relative / params.likelihoodZ), novelty);
  const score = warm && ratio > 0 ? ratio / (ratio + 1) : 0;
  const c = warm ? decay(dt, params.historyHalfLifeMs) : 0;
  const learned = Math.min(combined, state.hm + params.clipSigmas * hDev);
  const hm = state.hm + c * (learned - state.hm);
  const hd = state.hd + c * (Math.abs(learned - state.hm) - state.hd);
  const upward = y > predicted;
  const direction = score === 0 ? 0 : params.direction === 'up' || upward ? 1 : -1;

  const isAnomaly = warm && score >= params.threshold;
  const inEpisode = state.ep !== 0 && bucket.timestamp - state.ep <= params.episodeGapMs;
  const rested =
    state.al === 0 || bucket.timestamp - state.al > params.refractoryMs || sig(score) >= state.as + params.escalation;
  const alert = isAnomaly && !inEpisode && rested;

  return {
    state: {
      v: 3,
      n,
      t0: state.t0,
      t: bucket.timestamp,
      c: counts ? 1 : 0,
      lvl: sig(lvl),
      slow: sig(slow),
      pl: sig(pl),
      pd: sig(pd),
      dev: sig(dev),
      mag: sig(mag),
      sh: sig(sh),
      shv: sig(shv),
      hm: sig(hm, 4),
      hd: sig(hd, 4),
      hi: sig(hi),
      lo: sig(lo),
      hod,
      dow,
      rc,
      rv,
      rx,
      ep: isAnomaly ? bucket.timestamp : inEpisode ? state.ep : 0,
      al: alert ? bucket.timestamp : state.al,
      as: alert ? sig(score) : state.as,
    },
    score: sig(score),
    expected: sig(expected, 4),
    direction,
    isAnomaly,
    alert,
  };
};

export type { Bucket, DetectorParams, DetectorResult, DetectorState };
export { createDetectorState, defaultDetectorParams, updateDetector };

// Read-spike detector: pure, online, O(1) per bucket, with a small JSON state per secret (≤ 2 KB, stored in
// DynamoDB between invocations). One parameter set serves every key: what differs between keys (their level, their
// noise, their daily and weekly shape, how bursty they are by nature) is learned from the key's own history.
//
// - Expectation: an hour-of-day profile with a day-of-week correction, in log space for counts (read counts are
//   multiplicative: a busy hour is "3× the night", not "+40") and in plain units for other series (the NAB benchmark
//   has CPU percentages and negative values). Each hour of the day learns from its own visits, slowly (days): an
//   anomaly is a departure from the key's usual day, so a fast-following level would absorb it.
// - Surprise of a bucket: its deviation from the expectation in units of the key's own dispersion, for counts never
//   more extreme than Poisson noise allows (a rarely read secret going from 0 to 3 reads is no surprise), net of what
//   earlier days taught about rises at that time of day (a daily cron job stops alarming within days).
// - Anomaly likelihood (likelihood.ts, as Numenta's HTM detector): the surprise averaged over the last few buckets
//   judged against the long-run distribution of that average, and the last bucket on its own against that of single
//   buckets, so a key that is bursty by nature must beat its usual bursts. The score grows with the evidence
//   −log10 p: 0.5 is a one-in-100,000 departure from the key's usual surprise. The average's evidence counts only as
//   far as it has held for a few buckets (the least of its last five): a brief crossing on a bursty key does not
//   alarm.
//   A single bucket alarms on its own only if it comes near the largest deviation the key has had (a decaying peak):
//   a key that bursts by nature must beat its own bursts.
// - Novelty: a value beyond the highest (or lowest) the key has ever had, by a margin of its range, scores 0.75–1.
//   So does an hour, or a day (UTC), whose mean is beyond every hour's (day's) before it and a clear surprise against
//   the key's hourly (daily) residuals: a slow rise or level shift that stays inside the noise of single buckets. A
//   period that held an episode was reported with it and does not alert again when it ends.
// - One alert per episode: the first anomalous bucket alerts; the episode lasts while buckets keep scoring at least a
//   quarter of the threshold with gaps shorter than `episodeGapMs` or no longer than the likelihood's window, in
//   buckets (at coarse buckets the window outlasts the gap, and its average would alert again on the same burst).
//
// On NAB (scripts/bench/nab.ts) a slow daily profile, the likelihood and novelty are what carry the score, the burst
// bar adds about two points (78.9 without it), the hourly and daily novelty about two more; a fast level, a finer or
// per-hour-dispersion profile, separate likelihoods per direction or per model, an hourly likelihood, a Poisson-stable
// square-root transform and a CUSUM channel were all measured and scored lower, and a shape channel (new contexts of
// three quantised buckets) was dropped once the other channels left it nothing to add (docs/read-anomalies.md).
import { emptyLikelihood, type LikelihoodState, updateLikelihood } from './likelihood.ts';

type DetectorParams = {
  /** Half-life of an hour of the day's expectation, in days of visits to that hour: how fast a new daily shape is accepted. */
  readonly profileHalfLifeDays: number;
  /** Half-life of the day-of-week correction, in weeks of visits to that weekday. */
  readonly weekdayHalfLifeWeeks: number;
  /** Half-life of the dispersion estimate (mean absolute residual). */
  readonly dispersionHalfLifeMs: number;
  /** Half-life of the plain level, the expectation for an hour of the day not seen yet. */
  readonly levelHalfLifeMs: number;
  /** Residuals are clipped to this many deviations before they update the model, so a burst does not teach it. */
  readonly clipSigmas: number;
  /**
   * How many deviations make a bucket fully surprising: its raw surprise grows from 0 at one deviation to 1 here. Far
   * beyond the clipping point, so that a 6σ bucket and a 14σ one still differ to the likelihood.
   */
  readonly surpriseSigmas: number;
  /**
   * Lowest deviation, relative to the key's typical magnitude (for counts: in log space, i.e. relative too): a
   * perfectly flat series must not turn every wobble into infinite surprise.
   */
  readonly minSigma: number;
  /** Poisson floor (counts only): the expected rate used for the Poisson bound is at least this many per bucket. */
  readonly minRate: number;
  /** The anomaly likelihood averages the raw surprise over this many buckets. */
  readonly likelihoodBuckets: number;
  /** ... and judges that average against about this many earlier averages. */
  readonly historyBuckets: number;
  /** Lowest standard deviation of the averaged surprise: a key that has never been surprised is not hair-triggered. */
  readonly minHistoryDev: number;
  /**
   * The newest bucket is also judged on its own (against the key's single buckets), so a burst alarms at its first
   * bucket instead of waiting for the window to fill; a single bucket's surprise is mostly nothing with a heavy tail,
   * which a normal fit makes look rarer than it is, so it needs this many orders of magnitude more evidence (5: as
   * much again as the threshold itself, one in 10^10).
   */
  readonly burstPenalty: number;
  /**
   * The window's average is evidence only as far as it has held for this many buckets (the least of its last
   * evidences): a single burst lifts every window that holds it, a sustained departure keeps the average up.
   */
  readonly windowPersistBuckets: number;
  /**
   * The likelihood's histories take only steps of at least this fraction of what they hold (dead-band.ts): past
   * 1/historyBand buckets, calm buckets no longer wear a key's bar down, so the bar its first days and its larger
   * surprises set is kept. Without it (0) the detector falls from 81 to 75 on NAB, on false alarms.
   */
  readonly historyBand: number;
  /**
   * A single bucket alarms on its own only if its deviation is at least this fraction of the largest the key has had
   * (a peak that halves in a week): a key that bursts by nature must beat its own bursts. A sustained departure (the
   * window's average) and a value beyond the range are judged as before.
   */
  readonly burstPeakFraction: number;
  /** A value beyond the highest (lowest) ever seen by this fraction of the range seen is novel: it scores 0.75–1. */
  readonly rangeTolerance: number;
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
  /**
   * An episode ends after this long without an anomalous bucket, and no sooner than `likelihoodBuckets` buckets
   * after it (the window's average still holds it); the next anomalous bucket alerts again.
   */
  readonly episodeGapMs: number;
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
// constants are in wall-clock time, so 1-minute and 5-minute buckets behave alike; the likelihood's window and history
// are in buckets, as HTM's are.
const defaultDetectorParams = {
  profileHalfLifeDays: 2,
  weekdayHalfLifeWeeks: 1,
  dispersionHalfLifeMs: 3 * day,
  levelHalfLifeMs: 90 * minute,
  clipSigmas: 4,
  surpriseSigmas: 15,
  minSigma: 0.02,
  minRate: 2,
  likelihoodBuckets: 10,
  historyBuckets: 8640,
  minHistoryDev: 0.01,
  burstPenalty: 5,
  windowPersistBuckets: 5,
  historyBand: 0.002,
  burstPeakFraction: 0.9,
  rangeTolerance: 0.05,
  recurrenceDecay: 0.7,
  direction: 'up',
  warmupMs: 24 * hour,
  warmupBuckets: 30,
  episodeGapMs: hour,
  threshold: 0.5,
  maxGapMs: 6 * hour,
} as const satisfies DetectorParams;

/**
 * Everything the detector remembers about one key. Kept in its persisted form (numbers rounded to a few significant
 * digits) after every update, so a detector that reloads its state from storage each bucket behaves exactly like one
 * that keeps it in memory.
 */
type DetectorState = {
  readonly v: 8;
  /** Buckets seen. */
  readonly n: number;
  /** First and last bucket timestamps (ms). */
  readonly t0: number;
  readonly t: number;
  /** 1 while every value seen is a non-negative integer (a count: log space, Poisson floor), else 0. */
  readonly c: 0 | 1;
  /** Plain level of the (transformed) value: the expectation for an hour of the day not seen yet. */
  readonly lvl: number;
  /** Mean absolute residual of the expectation. */
  readonly dev: number;
  /** Mean absolute transformed value: the key's magnitude, for the relative floor of the deviation. */
  readonly mag: number;
  /** Hour-of-day (UTC) expectation, a bit per hour in `hs` once it has been visited; day-of-week (UTC, Monday first) correction. */
  readonly hod: readonly number[];
  readonly hs: number;
  readonly dow: readonly number[];
  /** Highest and lowest values seen (untransformed). */
  readonly hi: number;
  readonly lo: number;
  /** The anomaly likelihood's window and history. */
  readonly lk: LikelihoodState;
  /** The largest deviation since the warm-up (decaying, halving in `peakHalfLifeMs`), net of recurrence. */
  readonly pk: number;
  /**
   * Recurring surprise per 10 minutes of the day (UTC), one base-36 digit each (half-deviations, 0–35): what the same
   * time on earlier days has taught the key to expect beyond its profile.
   */
  readonly rc: string;
  /** The slot being visited and the largest rise (deviations) of the visit so far, learned when the visit ends. */
  readonly rv: number;
  readonly rx: number;
  /**
   * About the visit that ended just before this one began: 1 if it wrote a rise into the previous slot (a burst under
   * way, which must not excuse itself), else 0; and that slot's memory before the visit decayed it.
   */
  readonly rb: 0 | 1;
  readonly rp: number;
  /** Timestamp of the last anomalous bucket of the current episode, 0 when none is under way. */
  readonly ep: number;
  /** Buckets seen at the last anomalous bucket of the current episode. */
  readonly en: number;
  /** The coarse channels' hour and day. */
  readonly hc: CoarseState;
  readonly dc: CoarseState;
};

type CoarseState = {
  /** Sums of the period (hour or day) under way: values, expectations, buckets. */
  readonly o: number;
  readonly e: number;
  readonly b: number;
  /** Mean and mean absolute deviation of the period's residual. */
  readonly m: number;
  readonly d: number;
  /** Highest and lowest period mean seen, and how many periods judged. */
  readonly hi: number;
  readonly lo: number;
  readonly k: number;
  /** 1 once a bucket of the period under way belonged to an episode: the period was reported already. */
  readonly a: 0 | 1;
};
const emptyCoarse: CoarseState = { o: 0, e: 0, b: 0, m: 0, d: 0, hi: 0, lo: 0, k: 0, a: 0 };

type Bucket = { readonly timestamp: number; readonly count: number };

type DetectorResult = {
  readonly state: DetectorState;
  /** 0..1: 0.5 for a one-in-100,000 departure from the key's usual surprise (0.75: one in 10^10); 0.75–1 for a value beyond the range seen. */
  readonly score: number;
  /** Expected count for this bucket before seeing it. */
  readonly expected: number;
  /** +1 when the bucket is above expectation, −1 below, 0 when it scores nothing (lets a caller filter direction). */
  readonly direction: -1 | 0 | 1;
  readonly isAnomaly: boolean;
  /** True only on the first anomalous bucket of an episode. */
  readonly alert: boolean;
};

// The day in 10-minute slots for the recurring-surprise memory. A bucket is excused by its own slot and its two
// neighbours (a job that runs 10–20 minutes earlier or later than the day before), but never by what today's burst
// has just written (see `rb`).
const recurrenceSlots = 144;
const recurrenceSlotMs = day / recurrenceSlots;
// One base-36 digit a slot, on a geometric scale so that a job's rise is remembered within ±10 % whether it is 5 or
// 400 deviations (a CPU spike on an idle instance is hundreds): digit d ≥ 1 stands for 1.2^(d − 1) deviations.
const recurrenceRatio = 1.2;
const recurrenceMax = 35;
const decodeRecurrence = (d: number): number => (d <= 0 ? 0 : recurrenceRatio ** (d - 1));

// Mean absolute deviation → standard deviation for a normal distribution.
const madToSigma = 1.2533;
// The raw surprise is 0 up to this many deviations: ordinary noise is no surprise at all.
const noiseSigmas = 1;
// An episode goes on while its buckets keep scoring at least this fraction of the threshold (hysteresis): a level
// shift that the profile takes a day to learn stays one episode instead of alerting again each time it peaks.
const episodeFraction = 0.25;
// The score is 1 − 2^(−evidence / halfScoreEvidence), evidence being −log10 p: 0.5 at p = 1e-5 (where NAB's HTM
// detector puts it too), 0.75 at 1e-10, and it keeps growing, so a larger incident always scores higher.
const halfScoreEvidence = 5;
// The largest deviation a key has had halves in a week: a week-old burst still sets the bar for a single bucket, a
// month-old one hardly does.
const peakHalfLifeMs = 7 * day;

/** Rounds to `digits` significant digits: the persisted form, a few characters per number whatever its scale. */
const sig = (x: number, digits = 6): number => (x === 0 || !Number.isFinite(x) ? 0 : Number(x.toPrecision(digits)));
const sig3 = (x: number): number => sig(x, 3);
const sig5 = (x: number): number => sig(x, 5);

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Fraction to move an exponentially weighted average after `dt` for a given half-life. */
const decay = (dt: number, halfLife: number): number => (halfLife <= 0 ? 1 : 1 - 2 ** (-dt / halfLife));

const createDetectorState = (_params: DetectorParams = defaultDetectorParams): DetectorState => ({
  v: 8,
  n: 0,
  t0: 0,
  t: 0,
  c: 1,
  lvl: 0,
  dev: 0,
  mag: 0,
  hod: new Array<number>(24).fill(0),
  hs: 0,
  dow: new Array<number>(7).fill(0),
  hi: 0,
  lo: 0,
  lk: emptyLikelihood,
  pk: 0,
  rc: '0'.repeat(recurrenceSlots),
  rv: 0,
  rx: 0,
  rb: 0,
  rp: 0,
  ep: 0,
  en: 0,
  hc: emptyCoarse,
  dc: emptyCoarse,
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

type CoarseInput = {
  readonly timestamp: number;
  /** The previous bucket's timestamp. */
  readonly last: number;
  readonly value: number;
  readonly expected: number;
  readonly counts: boolean;
  /** The bucket's lowest deviation, used for the period's too. */
  readonly floor: number;
  readonly warm: boolean;
};

/**
 * The coarse channels: when a period of the clock (an hour, a day; UTC) ends, its mean value against its mean
 * expectation, for a slow rise or level shift that no single bucket takes beyond the key's noise (an hour 2–3× the
 * usual of a noisy key). Judged as novelty only, as a bucket is: a period beyond the range of periods seen by
 * `rangeTolerance` of it, and a clear surprise against the period's residual's own dispersion (a mean absolute
 * deviation, as the bucket's), for counts never more extreme than Poisson noise of the period's sum allows. Scored at
 * the first bucket after the period.
 */
const coarse = (
  hc: CoarseState,
  period: number,
  input: CoarseInput,
  params: DetectorParams,
): { state: CoarseState; novelty: number } => {
  const { timestamp, last, value, expected, counts, floor, warm } = input;
  let next = hc;
  let novelty = 0;
  if (Math.floor(timestamp / period) !== Math.floor(last / period) && hc.b > 0) {
    const o = hc.o / hc.b;
    const e = hc.e / hc.b;
    // Centred on its own mean: for counts the expectation is a geometric mean, below the period's mean.
    const r = transform(o, counts) - transform(e, counts) - hc.m;
    const sigma = Math.max(madToSigma * hc.d, floor);
    let z = hc.k > 0 ? r / sigma : 0;
    if (counts && hc.k > 0) {
      const rate = Math.max(hc.e * Math.exp(hc.m), params.minRate);
      const zPoisson = (hc.o - rate) / Math.sqrt(rate);
      z = Math.sign(z) !== Math.sign(zPoisson) ? 0 : Math.abs(z) < Math.abs(zPoisson) ? z : zPoisson;
    }
    if (warm && hc.k > 0 && hc.a === 0) {
      const top = counts ? Math.max(hc.hi, e + params.clipSigmas * Math.sqrt(Math.max(e, params.minRate))) : hc.hi;
      const range = Math.max(top - hc.lo, Number.MIN_VALUE);
      const above = z > 0 ? (o - top) * clearSurprise(z, params) : 0;
      const below = params.direction === 'both' && z < 0 ? (hc.lo - o) * clearSurprise(-z, params) : 0;
      const excess = Math.max(above, below) / range;
      novelty = excess > params.rangeTolerance ? 0.75 + 0.25 * (1 - Math.exp(-excess)) : 0;
    }
    const k = hc.k + 1;
    const rate = Math.max(decay(period, params.dispersionHalfLifeMs), 1 / k);
    const limit = params.clipSigmas * sigma;
    const clipped = warm ? clamp(r, -limit, limit) : r;
    next = {
      o: 0,
      e: 0,
      b: 0,
      m: sig(hc.m + rate * clipped),
      d: sig(hc.d + rate * (Math.abs(clipped) - hc.d)),
      hi: sig(hc.k === 0 ? o : Math.max(hc.hi, o)),
      lo: sig(hc.k === 0 ? o : Math.min(hc.lo, o)),
      k: Math.min(k, params.historyBuckets),
      a: 0,
    };
  }
  return { state: { ...next, o: sig(next.o + value), e: sig(next.e + expected), b: next.b + 1 }, novelty };
};

/** A period that held a bucket of an episode was reported with it: it does not alert again when it ends. */
const reported = (hc: CoarseState, ep: number): CoarseState => (ep !== 0 && hc.a === 0 ? { ...hc, a: 1 } : hc);

/** How much of a value's excess beyond the range counts: none at 2 deviations or less, all from clipSigmas. */
const clearSurprise = (sigmas: number, params: DetectorParams): number =>
  clamp((sigmas - 2) / (params.clipSigmas - 2), 0, 1);

const updateDetector = (
  state: DetectorState,
  bucket: Bucket,
  params: DetectorParams = defaultDetectorParams,
): DetectorResult => {
  // A state persisted by an older version has other fields: re-learning costs one warm-up, whereas misreading it
  // could alarm or mute the key for days.
  if ((state as { readonly v: number }).v !== 8) return updateDetector(createDetectorState(params), bucket, params);

  const value = Number.isFinite(bucket.count) ? bucket.count : 0;
  // A key stays a count while every value is a non-negative integer (read counts always are); one fractional or
  // negative value makes it a plain series for good, and its model restarts in plain units.
  const counts = state.c === 1 && Number.isInteger(value) && value >= 0;
  const y = transform(value, counts);
  const { h, d } = slotsOf(bucket.timestamp);

  if (state.n === 0 || counts !== (state.c === 1)) {
    // The first bucket is the only evidence of a level; the profile starts unvisited.
    return {
      state: {
        ...createDetectorState(params),
        n: state.n + 1,
        t0: state.n === 0 ? bucket.timestamp : state.t0,
        t: bucket.timestamp,
        c: counts ? 1 : 0,
        lvl: sig(y),
        mag: sig(Math.abs(y)),
        hi: sig(value),
        lo: sig(value),
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
  const visited = (state.hs & (1 << h)) !== 0;
  const predicted = (visited ? (hod[h] ?? 0) : state.lvl) + (dow[d] ?? 0);
  const expected = untransform(predicted, counts);

  const dt = clamp(bucket.timestamp - state.t, minute, params.maxGapMs);
  const floor = Math.max(params.minSigma * (counts ? 1 : state.mag), Number.MIN_VALUE);
  const sigma = Math.max(madToSigma * state.dev, floor);
  const raw = surprise(value, y, predicted, sigma, counts, params.minRate);

  // Recurrence: a rise at a time of day that rose on earlier days is judged net of what those days taught. The memory
  // learns halfway towards each rise (so it takes a few days to excuse one fully) and forgets a slot that stays quiet.
  const slotOf = (t: number): number => Math.floor((((t % day) + day) % day) / recurrenceSlotMs);
  const slot = slotOf(bucket.timestamp);
  // Rounded up while learning a rise, so that halfway steps smaller than the scale's are not lost to rounding.
  const digit = (x: number, rising: boolean): string =>
    (x < 1
      ? 0
      : Math.min(recurrenceMax, 1 + (rising ? Math.ceil : Math.round)(Math.log(x) / Math.log(recurrenceRatio)))
    ).toString(36);
  const stored = (rc: string, i: number): number =>
    decodeRecurrence(Number.parseInt(rc[(i + recurrenceSlots) % recurrenceSlots] ?? '0', 36));
  // A visit to a slot (its buckets of one day) is learned when it ends, so a burst never excuses itself: the slot's
  // memory forgets once (recurrenceDecay) or, after a clear rise, moves halfway towards it.
  const newVisit = state.rv !== slot || bucket.timestamp - state.t >= recurrenceSlotMs;
  const contiguous = bucket.timestamp - state.t < recurrenceSlotMs && (state.rv + 1) % recurrenceSlots === slot;
  // What the slot before slot i remembers from earlier days: nothing while it holds the burst now under way (rb: the
  // visit that just ended there wrote a rise), and as it was before the visit that just ended decayed it (rp): a job
  // running ten minutes later than yesterday has not been forgotten by the slot it ran in yesterday.
  const earlier = (rc: string, i: number, rb: 0 | 1, rp: number): number =>
    rb === 1 ? 0 : Math.max(stored(rc, i - 1), rp);
  let rc = state.rc;
  let rb = state.rb;
  let rp = state.rp;
  if (newVisit) {
    const memory = stored(rc, state.rv);
    // Only a clear rise (an outlier, beyond clipSigmas) is remembered: the everyday noise of a slot is the profile's
    // and the dispersion's business, and excusing it would blunt every later shift at that time of day.
    const rise = state.rx >= params.clipSigmas ? state.rx : 0;
    // A rise learns from what excused it (the slot or a neighbour), so a job that drifts a few minutes a day carries
    // its memory along instead of starting afresh in each slot it drifts into.
    const before = Math.max(memory, stored(rc, state.rv + 1), earlier(rc, state.rv, state.rb, state.rp));
    const learned = rise > 0 ? (before + rise) / 2 : memory * params.recurrenceDecay;
    rc = `${rc.slice(0, state.rv)}${digit(learned, rise > 0)}${rc.slice(state.rv + 1)}`;
    rb = contiguous && rise > 0 ? 1 : 0;
    rp = contiguous && rise === 0 ? sig3(memory) : 0;
  }
  // A bucket is excused by what its slot and both neighbours remember: a job that runs 10–20 minutes earlier or later
  // than the day before is still recognised.
  const excused = Math.max(stored(rc, slot), stored(rc, slot + 1), earlier(rc, slot, rb, rp));
  const z = raw > 0 ? Math.max(0, raw - excused) : raw;
  const rx = sig3(Math.max(newVisit ? 0 : state.rx, raw));

  // Early on, average plainly (1/n) so the first buckets set level and dispersion instead of a slow drift from 0.
  const n = state.n + 1;
  const early = 1 / n;
  const learning = n <= params.warmupBuckets;
  const warm = !learning && bucket.timestamp - state.t0 >= params.warmupMs;
  const limit = params.clipSigmas * sigma;
  // Until the dispersion is known, clipping would freeze the model at the first bucket: let residuals through.
  const clip = (r: number): number => (learning ? r : clamp(r, -limit, limit));
  const residual = clip(y - predicted);
  // An hour of the day learns only while it is visited, so its half-life is in days of visits; on its first visit it
  // starts from the plain level. The weekday correction learns from the same residual, more slowly.
  const slotMs = hour;
  hod[h] = sig((visited ? (hod[h] ?? 0) : state.lvl) + decay(dt, params.profileHalfLifeDays * slotMs) * residual, 5);
  dow[d] = sig((dow[d] ?? 0) + decay(dt, params.weekdayHalfLifeWeeks * day) * residual, 4);
  const b = Math.max(decay(dt, params.dispersionHalfLifeMs), early);
  const dev = state.dev + b * (Math.abs(residual) - state.dev);
  const lvl = state.lvl + Math.max(decay(dt, params.levelHalfLifeMs), early) * clip(y - state.lvl);
  const mag = state.mag + b * (Math.abs(y) - state.mag);

  // Raw surprise in [0, 1]: nothing within a deviation, everything beyond surpriseSigmas.
  const signed = params.direction === 'up' ? z : Math.abs(z);
  const rawSurprise = clamp((signed - noiseSigmas) / (params.surpriseSigmas - noiseSigmas), 0, 1);
  const likelihood = updateLikelihood(
    state.lk,
    rawSurprise,
    {
      windowSize: params.likelihoodBuckets,
      historySize: params.historyBuckets,
      minDev: params.minHistoryDev,
      burstPenalty: params.burstPenalty,
      persistBuckets: params.windowPersistBuckets,
      band: params.historyBand,
    },
    warm,
    sig3,
    sig5,
  );

  // Novelty: beyond the range ever seen by a margin of it. For counts the top is never lower than Poisson noise
  // around the expectation allows (clipSigmas deviations), so a rarely read secret's first 5 reads in a minute are not
  // "beyond its range". A value beyond the range must also be a surprise: its excess counts in full from clipSigmas
  // deviations (net of what earlier days taught) and not at all at 2 or less, so a daily job that reads a little more
  // than ever before is not new, nor is a busy minute of a key whose range is still narrow.
  const rate = Math.max(expected, params.minRate);
  const top = counts ? Math.max(state.hi, rate + params.clipSigmas * Math.sqrt(rate)) : state.hi;
  const range = Math.max(top - state.lo, Number.MIN_VALUE);
  const weight = (sigmas: number): number => clearSurprise(sigmas, params);
  const excessAbove = z > 0 ? (value - top) * weight(z) : 0;
  const excessBelow = params.direction === 'both' && z < 0 ? (state.lo - value) * weight(-z) : 0;
  const excess = Math.max(excessAbove, excessBelow) / range;
  const novel = excess > params.rangeTolerance;
  const above = novel && excessAbove >= excessBelow;
  // A novel value scores from 0.75 (just beyond the margin) towards 1 (far beyond, in ranges): always an anomaly at any
  // sensible threshold, and a larger incident scores higher.
  const novelty = novel ? 0.75 + 0.25 * (1 - Math.exp(-excess)) : 0;

  // A single bucket (the likelihood's burst evidence) must also come near the largest deviation the key has had.
  const deviation = params.direction === 'up' ? Math.max(0, z) : Math.abs(z);
  const peak = state.pk * 2 ** (-(bucket.timestamp - state.t) / peakHalfLifeMs);
  const likelihoodEvidence =
    deviation >= params.burstPeakFraction * peak ? likelihood.evidence : likelihood.windowEvidence;

  // The coarse channels: the hour and the day (UTC) that just ended, judged as novelty against the hours and days seen.
  const coarseInput = { timestamp: bucket.timestamp, last: state.t, value, expected, counts, floor, warm };
  const hourly = coarse(state.hc, hour, coarseInput, params);
  const daily = coarse(state.dc, day, coarseInput, params);

  const score = warm
    ? Math.max(novelty, hourly.novelty, daily.novelty, 1 - 2 ** (-likelihoodEvidence / halfScoreEvidence))
    : 0;
  const upward = novel ? above : y > predicted;
  const direction = score === 0 ? 0 : params.direction === 'up' || upward ? 1 : -1;

  const isAnomaly = warm && score >= params.threshold;
  // In buckets too: at a coarse width (an hour) the window outlasts the gap, and it still holds the episode's buckets.
  const inEpisode =
    state.ep !== 0 && (bucket.timestamp - state.ep <= params.episodeGapMs || n - state.en <= params.likelihoodBuckets);
  const alert = isAnomaly && !inEpisode;
  const ep =
    isAnomaly || (inEpisode && score >= params.threshold * episodeFraction)
      ? bucket.timestamp
      : inEpisode
        ? state.ep
        : 0;

  return {
    state: {
      v: 8,
      n,
      t0: state.t0,
      t: bucket.timestamp,
      c: counts ? 1 : 0,
      lvl: sig(lvl),
      dev: sig(dev),
      mag: sig(mag),
      hod,
      hs: state.hs | (1 << h),
      dow,
      hi: sig(Math.max(state.hi, value)),
      lo: sig(Math.min(state.lo, value)),
      lk: likelihood.state,
      pk: sig3(warm ? Math.max(peak, deviation) : 0),
      rc,
      rv: slot,
      rx,
      rb,
      rp,
      hc: reported(hourly.state, ep),
      dc: reported(daily.state, ep),
      ep,
      en: ep === bucket.timestamp ? n : state.en,
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

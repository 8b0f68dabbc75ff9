// Whether the read counters show the spike an event claims. A `Read Spike Detected` event is a claim: anyone who can
// put events on the bus can make one (observed 3, score 0.99), and the response must not quarantine or rotate on a
// claim. So the response re-derives its evidence from the counters — which only ingest-reads writes, from CloudTrail's
// own records of each read — and acts only when they show the spike. Pure.
//
// "Show the spike" means: over the event's window W (at most an hour; the detector's windows are one minute), the
// counters hold `observed` reads, and the hour before W holds `baseline` reads, so the window's `expected` reads are
// baseline / 60 per minute of W. The spike is shown when
//
//     observed ≥ expected + alertZ · √max(expected, minRate)          (alertZ = 6, minRate = 2 by default)
//
// — six Poisson deviations over the detector's own floor rate (`minRate`), a bar that noise practically never clears
// (a one-in-a-billion tail), applied to counts read back from the counters rather than to anything the event says. For a quiet secret that is at least 9
// reads in a minute; for one read 100 times a minute, 160. A genuine alert that only the detector's slower signals
// (a sustained shift, novelty against weeks of history) caught may fall short: it is escalated to a human instead of
// remediated automatically, which is also what happens to a forged one.
import { MINUTE_MS } from './aggregate.ts';
import { defaultDetectorParams } from './detector.ts';

const MAX_WINDOW_MS = 60 * MINUTE_MS;
/** How many Poisson deviations above the expected reads the counters must show. */
const EVIDENCE_Z = 6;
const BASELINE_MS = 60 * MINUTE_MS;

interface Evidence {
  readonly confirmed: boolean;
  /** Reads in the window, from the counters. */
  readonly observed: number;
  /** Reads the window would hold at the last hour's rate. */
  readonly expected: number;
  /** What the counters say, in a sentence for the notification and the outcome's reason. */
  readonly summary: string;
}

/** The minutes the evidence needs from the counters: the hour before the window, and the window. */
const evidenceRange = (windowStart: string, windowEnd: string): { from: number; to: number } | undefined => {
  const from = Date.parse(windowStart);
  const to = Date.parse(windowEnd);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from || to - from > MAX_WINDOW_MS) return undefined;
  // Minute buckets are keyed by their start: the window's last one starts a minute before its end.
  return { from: from - BASELINE_MS, to: to - MINUTE_MS };
};

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Judges the counters over the event's window; `counts` maps each minute (ms) to its reads, absent minutes being 0.
 * `claimed` is what the event said it saw, only to say so when the counters disagree.
 */
const spikeEvidence = (input: {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly counts: ReadonlyMap<number, number>;
  readonly claimed: number;
  readonly alertZ?: number;
  readonly minRate?: number;
}): Evidence => {
  const { windowStart, windowEnd, counts, claimed } = input;
  const alertZ = input.alertZ ?? EVIDENCE_Z;
  const minRate = input.minRate ?? defaultDetectorParams.minRate;
  const range = evidenceRange(windowStart, windowEnd);
  if (!range) {
    return {
      confirmed: false,
      observed: 0,
      expected: 0,
      summary: `the window ${windowStart} – ${windowEnd} is not one the detector reports (at most an hour)`,
    };
  }
  const start = Date.parse(windowStart);
  let observed = 0;
  let baseline = 0;
  for (const [minute, reads] of counts) {
    if (minute >= start && minute <= range.to) observed += reads;
    else if (minute >= range.from && minute < start) baseline += reads;
  }
  const minutes = (Date.parse(windowEnd) - start) / MINUTE_MS;
  const expected = (baseline / (BASELINE_MS / MINUTE_MS)) * minutes;
  const needed = expected + alertZ * Math.sqrt(Math.max(expected, minRate));
  const confirmed = observed >= needed;
  const numbers = `${observed} reads in the window against about ${round(expected)} at the last hour's rate`;
  return {
    confirmed,
    observed,
    expected: round(expected),
    summary: confirmed
      ? `the read counters show the spike (${numbers})`
      : `the read counters do not show the spike (${numbers}, ${Math.ceil(needed)} needed; the event claimed ${claimed})`,
  };
};

export type { Evidence };
export { evidenceRange, spikeEvidence };

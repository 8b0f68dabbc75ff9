// Feeds a secret's closed minutes to its detector, zeros included: a minute without reads is evidence too. Pure.

import { MINUTE_MS } from './aggregate.ts';
import {
  createDetectorState,
  type DetectorParams,
  type DetectorResult,
  type DetectorState,
  defaultDetectorParams,
  updateDetector,
} from './detector.ts';

interface StoredDetector {
  readonly state: DetectorState;
  /** Start of the last minute fed to the detector (ms). */
  readonly last: number;
}

interface Alert {
  readonly minute: number;
  readonly observed: number;
  readonly result: DetectorResult;
}

/**
 * Updates `stored` (or a fresh detector) with every minute after its last one up to `to`, counts from `counts`
 * (absent = 0). A long silence is fed as at most `maxCatchUpMs` of zeros: the detector clamps gaps anyway, and a
 * secret read once a month must not cost a month of updates.
 */
const feedMinutes = (
  stored: StoredDetector | undefined,
  firstActive: number,
  to: number,
  counts: ReadonlyMap<number, number>,
  params: DetectorParams = defaultDetectorParams,
  maxCatchUpMs = 24 * 60 * MINUTE_MS,
): { stored: StoredDetector; alerts: Alert[]; fed: number } => {
  let state = stored?.state ?? createDetectorState(params);
  let from = stored ? stored.last + MINUTE_MS : firstActive;
  from = Math.max(from, to - maxCatchUpMs);
  const alerts: Alert[] = [];
  let fed = 0;
  for (let minute = from; minute <= to; minute += MINUTE_MS) {
    const observed = counts.get(minute) ?? 0;
    const result = updateDetector(state, { timestamp: minute, count: observed }, params);
    state = result.state;
    fed++;
    if (result.alert) alerts.push({ minute, observed, result });
  }
  return { stored: { state, last: Math.max(to, stored?.last ?? to) }, alerts, fed };
};

const PARAM_KEYS = new Set(Object.keys(defaultDetectorParams));
// Parameters an earlier detector had: a stage that still sets one is told what became of it, not just "unknown".
const RETIRED_PARAMS: Readonly<Record<string, string>> = {
  contextLevels: 'the shape channel it belonged to was dropped (docs/read-anomalies.md, the thirteenth round)',
  contextPenalty: 'the shape channel it belonged to was dropped (docs/read-anomalies.md, the thirteenth round)',
};

/** Detector parameters from the stage's JSON (only the keys it overrides); a typo fails loudly, not silently. */
const detectorParamsFrom = (json: string | undefined): DetectorParams => {
  if (!json) return defaultDetectorParams;
  const overrides = JSON.parse(json) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const retired = RETIRED_PARAMS[key];
    if (retired)
      throw new Error(`Detector parameter "${key}" no longer exists: ${retired}; remove it from readsDetectorParams`);
    if (!PARAM_KEYS.has(key)) throw new Error(`Unknown detector parameter "${key}"`);
    const expected = typeof defaultDetectorParams[key as keyof DetectorParams];
    if (typeof value !== expected) throw new Error(`Detector parameter "${key}" must be a ${expected}`);
  }
  return { ...defaultDetectorParams, ...overrides } as DetectorParams;
};

export type { Alert, StoredDetector };
export { detectorParamsFrom, feedMinutes };

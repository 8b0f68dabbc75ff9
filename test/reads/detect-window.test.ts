import { describe, expect, it } from 'vitest';
import { detectorParamsFrom, feedMinutes } from '../../functions/reads/domain/detect-window.ts';
import { defaultDetectorParams } from '../../functions/reads/domain/detector.ts';
import { MINUTE, seededState, syntheticCounts } from './support.ts';

const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-01-07T10:00:00Z');

const seeded = seededState;

describe('feeding closed minutes to a detector', () => {
  it('feeds minutes without reads as zeros, from the last one it saw', () => {
    const stored = seeded(T0, () => 5, 2);

    const { stored: next, fed } = feedMinutes(
      stored,
      T0 + 5 * MINUTE,
      T0 + 9 * MINUTE,
      new Map([[T0 + 5 * MINUTE, 5]]),
    );

    expect(fed).toBe(10);
    expect(next.last).toBe(T0 + 9 * MINUTE);
    expect(next.state.n).toBe(stored.state.n + 10);
  });

  it('starts a new secret at its first active minute and caps a long silence', () => {
    const fresh = feedMinutes(undefined, T0, T0 + 2 * MINUTE, new Map([[T0, 1]]));
    const silent = feedMinutes({ ...fresh.stored }, T0 + 30 * 24 * HOUR, T0 + 30 * 24 * HOUR, new Map());

    expect(fresh.fed).toBe(3);
    expect(silent.fed).toBe(24 * 60 + 1);
  });

  it('learns a daily peak: the same peak alerts on a detector that never saw it, not on one that did', () => {
    const peakHour = new Date(T0).getUTCHours();
    const withPeak = (t: number) => (new Date(t).getUTCHours() === peakHour ? 30 : 3);
    const counts = new Map(syntheticCounts(T0, T0 + 30 * MINUTE, withPeak, 11).map((b) => [b.timestamp, b.count]));

    const learned = feedMinutes(seeded(T0, withPeak, 7), T0, T0 + 30 * MINUTE, counts);
    const naive = feedMinutes(
      seeded(T0, () => 3, 7),
      T0,
      T0 + 30 * MINUTE,
      counts,
    );

    expect(learned.alerts).toEqual([]);
    expect(naive.alerts).toHaveLength(1);
  });
});

describe('detector parameters from the stage', () => {
  it('overrides the named defaults only', () => {
    expect(detectorParamsFrom('{"threshold":0.5}')).toEqual({ ...defaultDetectorParams, threshold: 0.5 });
    expect(detectorParamsFrom(undefined)).toBe(defaultDetectorParams);
  });

  it('fails loudly on a typo, a wrong type or a parameter the detector no longer has', () => {
    expect(() => detectorParamsFrom('{"treshold":0.5}')).toThrow('Unknown detector parameter "treshold"');
    expect(() => detectorParamsFrom('{"threshold":"high"}')).toThrow('must be a number');
    expect(() => detectorParamsFrom('{"contextPenalty":1}')).toThrow(
      'Detector parameter "contextPenalty" no longer exists: the shape channel it belonged to was dropped',
    );
  });
});

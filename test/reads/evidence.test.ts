import { describe, expect, it } from 'vitest';
import { spikeEvidence } from '../../functions/reads/domain/evidence.ts';

const MINUTE = 60_000;
const START = Date.parse('2026-01-07T10:30:00Z');
const window = { windowStart: new Date(START).toISOString(), windowEnd: new Date(START + MINUTE).toISOString() };

/** `perMinute` reads in each of the 60 minutes before the window, and `burst` in the window's minute. */
const counts = (perMinute: number, burst: number) =>
  new Map([...Array.from({ length: 60 }, (_, i) => [START - (60 - i) * MINUTE, perMinute] as const), [START, burst]]);

describe('spike evidence from the read counters', () => {
  it('confirms a burst the counters show: at least the detector’s alert threshold above the last hour’s rate', () => {
    // Quiet secret: expected 0, floor rate 2 → 0 + 6·√2 ≈ 8.5 reads needed.
    expect(spikeEvidence({ ...window, counts: counts(0, 9), claimed: 9 })).toMatchObject({
      confirmed: true,
      observed: 9,
      expected: 0,
    });
    expect(spikeEvidence({ ...window, counts: counts(0, 8), claimed: 8 }).confirmed).toBe(false);
    // Busy secret: 100 a minute → 100 + 6·10 = 160 needed.
    expect(spikeEvidence({ ...window, counts: counts(100, 160), claimed: 160 })).toMatchObject({
      confirmed: true,
      expected: 100,
    });
    expect(spikeEvidence({ ...window, counts: counts(100, 159), claimed: 159 }).confirmed).toBe(false);
  });

  it('refuses the forged claim: 3 reads by the usual reader, whatever the event says it saw', () => {
    const evidence = spikeEvidence({ ...window, counts: counts(3, 3), claimed: 500 });

    expect(evidence).toEqual({
      confirmed: false,
      observed: 3,
      expected: 3,
      summary:
        "the read counters do not show the spike (3 reads in the window against about 3 at the last hour's rate, 14 needed; the event claimed 500)",
    });
  });

  it('counts only the window’s minutes as observed and only the hour before as the baseline', () => {
    const map = new Map([
      [START - 61 * MINUTE, 1_000], // before the baseline hour: ignored
      [START - 30 * MINUTE, 60], // in the baseline hour: 1 a minute
      [START, 20],
      [START + MINUTE, 1_000], // after the window: ignored
    ]);

    expect(spikeEvidence({ ...window, counts: map, claimed: 20 })).toMatchObject({
      observed: 20,
      expected: 1,
      confirmed: true,
    });
  });

  it('refuses windows the detector never reports: empty, reversed, longer than an hour, not dates', () => {
    const at = (from: number, to: number) => ({
      windowStart: new Date(from).toISOString(),
      windowEnd: new Date(to).toISOString(),
    });
    for (const w of [at(START, START), at(START, START - MINUTE), at(START, START + 61 * MINUTE)]) {
      expect(spikeEvidence({ ...w, counts: counts(0, 1_000), claimed: 1_000 })).toMatchObject({
        confirmed: false,
        observed: 0,
      });
    }
    expect(spikeEvidence({ windowStart: 'x', windowEnd: 'y', counts: new Map(), claimed: 1 }).confirmed).toBe(false);
  });
});

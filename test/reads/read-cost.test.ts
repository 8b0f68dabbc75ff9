import { describe, expect, it } from 'vitest';
import {
  buildReadCostReport,
  formatCount,
  formatReadCostCsv,
  formatReadCostTable,
  formatUsd,
  type MinuteUsage,
  parseSince,
  readCostParamsFrom,
  reportWindow,
  type SecretUsage,
  secretNameOf,
} from '../../functions/reads/domain/read-cost.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-01-12T10:00:00Z');
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/orders/db-Qx7Rt2';
const OTHER_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/billing/api-key-Ab12Cd';
const APP = 'arn:aws:sts::000000000000:assumed-role/orders-api/i-0a';
const WORKER = 'arn:aws:sts::000000000000:assumed-role/billing-worker/i-0b';

/** `perHour` reads by each principal key in each of `hours` hours ending at NOW, spread one bucket per read minute. */
const usageOf = (secretArn: string, readers: Record<string, number[]>): SecretUsage => {
  const minutes = new Map<number, Record<string, number>>();
  for (const [key, hours] of Object.entries(readers)) {
    hours.forEach((count, h) => {
      const hourStart = NOW - (hours.length - h) * HOUR;
      for (let i = 0; i < count; i++) {
        const minute = hourStart + (i % 60) * MINUTE;
        const counts = minutes.get(minute) ?? {};
        counts[key] = (counts[key] ?? 0) + 1;
        minutes.set(minute, counts);
      }
    });
  }
  return {
    secretArn,
    minutes: [...minutes]
      .sort(([a], [b]) => a - b)
      .map(
        ([minute, principals]): MinuteUsage => ({
          minute,
          reads: Object.values(principals).reduce((a, b) => a + b, 0),
          principals,
        }),
      ),
  };
};

const lastHours = (hours: number) => ({ from: NOW - hours * HOUR, to: NOW });

describe('read-cost --since', () => {
  it.each([
    ['7d', NOW - 7 * DAY],
    ['12h', NOW - 12 * HOUR],
    ['30m', NOW - 30 * MINUTE],
    ['2026-01-05', Date.parse('2026-01-05T00:00:00Z')],
    ['2026-01-12T08:00Z', Date.parse('2026-01-12T08:00:00Z')],
    // A time without a zone is UTC, whatever the machine's zone.
    ['2026-01-12T08:00:00', Date.parse('2026-01-12T08:00:00Z')],
    ['2026-01-12T09:00:00+01:00', Date.parse('2026-01-12T08:00:00Z')],
  ])('reads %s as a start time', (text, expected) => {
    expect(parseSince(text, NOW)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['garbage', /expected a duration \(7d, 12h, 30m\) or an ISO date/],
    ['7 days', /expected a duration/],
    ['-3d', /expected a duration/],
    ['1w', /expected a duration/],
    ['2026-13-45', /expected a duration/],
    ['0d', /at least 1/],
    ['2026-01-13', /not in the past/],
  ])('refuses %s with a message that says what it takes', (text, message) => {
    const parsed = parseSince(text, NOW);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });

  it('starts the window where the counters do when --since reaches further back', () => {
    expect(reportWindow(NOW - 30 * DAY, NOW, 8 * DAY)).toEqual({
      from: NOW - 8 * DAY,
      to: NOW,
      clampedToRetention: true,
    });
    expect(reportWindow(NOW - 2 * HOUR - 30_000, NOW, 8 * DAY)).toEqual({
      from: NOW - 2 * HOUR - MINUTE,
      to: NOW,
      clampedToRetention: false,
    });
  });
});

describe('read-cost stage params', () => {
  it.each([
    [{}, { pricePer10k: 0.05, uncachedPerHour: 60 }],
    [
      { readsPricePer10k: 0.04, readsUncachedPerHour: 120 },
      { pricePer10k: 0.04, uncachedPerHour: 120 },
    ],
    [
      { readsPricePer10k: '0.06', readsUncachedPerHour: '30' },
      { pricePer10k: 0.06, uncachedPerHour: 30 },
    ],
  ])('takes %j', (stage, expected) => {
    expect(readCostParamsFrom(stage)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{ readsPricePer10k: 'cheap' }, 'readsPricePer10k must be a positive number, got "cheap"'],
    [{ readsUncachedPerHour: 0 }, 'readsUncachedPerHour must be a positive number, got 0'],
    [{ readsUncachedPerHour: -5 }, 'readsUncachedPerHour must be a positive number, got -5'],
  ])('refuses %j', (stage, message) => {
    expect(readCostParamsFrom(stage)).toEqual({ ok: false, message });
  });
});

describe('read-cost report', () => {
  it('prices reads per day and per month at $0.05 per 10,000 calls, per secret and per principal', () => {
    // 86,400 reads a day (one a second) cost 8.64 × $0.05 = $0.432 a day, $12.96 a 30-day month.
    const usage = usageOf(ARN, { [APP]: [3600, 3600] });

    const report = buildReadCostReport([usage], lastHours(2));

    expect(report.totals).toEqual({
      secrets: 1,
      reads: 7200,
      readsPerDay: 86_400,
      monthlyCost: 12.96,
      uncachedReaders: 1,
      savingsPerMonth: 12.744,
    });
    expect(report.secrets[0]).toMatchObject({
      name: 'prod/orders/db',
      reads: 7200,
      readsPerDay: 86_400,
      monthlyCost: 12.96,
      topReaders: [{ principal: APP, reads: 7200, share: 1 }],
    });
  });

  it('uses the stage price and threshold', () => {
    const usage = usageOf(ARN, { [APP]: [100, 100] });

    const report = buildReadCostReport([usage], lastHours(2), { pricePer10k: 0.1, uncachedPerHour: 150 });

    expect(report.totals.monthlyCost).toBe(0.72);
    expect(report.uncached).toEqual([]);
  });

  it('counts a principal’s access keys together: temporary credentials change every hour', () => {
    const usage = usageOf(ARN, { [`${APP}|ASIAKEY1`]: [90, 0], [`${APP}|ASIAKEY2`]: [0, 90] });

    const [secret] = buildReadCostReport([usage], lastHours(2)).secrets;

    expect(secret?.principals).toMatchObject([{ principal: APP, reads: 180, activeHours: 2, hoursOverThreshold: 2 }]);
  });

  it.each([
    ['a steady uncached reader', [90, 90], true, 60],
    ['a reader just over the threshold in one hour of one', [61], true, 1],
    ['a reader at the threshold', [60, 60], false, 0],
    ['a cached reader', [4, 4, 4], false, 0],
    ['a deploy burst in one hour of three', [200, 5, 5], false, 0],
    ['uncached in two hours of three', [200, 70, 5], true, 150],
  ])('%s: uncached %s, caching saves the reads above the threshold (%s)', (_, hours, uncached, saved) => {
    const usage = usageOf(ARN, { [APP]: hours });

    const report = buildReadCostReport([usage], lastHours(hours.length));

    const [principal] = report.secrets[0]?.principals ?? [];
    expect(principal?.uncached).toBe(uncached);
    expect(report.uncached).toHaveLength(uncached ? 1 : 0);
    // Saved reads per day: the excess over the window, scaled to a day.
    expect(principal?.savedReadsPerDay).toBeCloseTo((saved * 24) / hours.length, 2);
  });

  it('never calls the principals counted together beyond the per-bucket limit uncached', () => {
    const usage = usageOf(ARN, { '(other principals)': [500, 500] });

    const report = buildReadCostReport([usage], lastHours(2));

    expect(report.secrets[0]?.principals[0]).toMatchObject({ principal: '(other principals)', uncached: false });
    expect(report.uncached).toEqual([]);
  });

  it('lists secrets and readers by reads, the top three readers with their share, uncached readers by savings', () => {
    const orders = usageOf(ARN, { [APP]: [90, 90], [WORKER]: [4, 4], 'arn:aws:iam::000000000000:user/a': [1, 1] });
    const billing = usageOf(OTHER_ARN, {
      [WORKER]: [4, 4],
      'arn:aws:iam::000000000000:user/b': [200, 200],
      'arn:aws:iam::000000000000:user/c': [1, 0],
    });

    const report = buildReadCostReport([billing, orders], lastHours(2));

    expect(report.secrets.map((s) => s.name)).toEqual(['prod/billing/api-key', 'prod/orders/db']);
    expect(report.secrets[1]?.topReaders).toEqual([
      { principal: APP, reads: 180, share: 0.9474 },
      { principal: WORKER, reads: 8, share: 0.0421 },
      { principal: 'arn:aws:iam::000000000000:user/a', reads: 2, share: 0.0105 },
    ]);
    expect(report.uncached.map((u) => [u.name, u.principal])).toEqual([
      ['prod/billing/api-key', 'arn:aws:iam::000000000000:user/b'],
      ['prod/orders/db', APP],
    ]);
  });

  it('ignores minutes outside the window and reports a secret nobody read with zeros', () => {
    const old = { minute: NOW - 3 * HOUR, reads: 50, principals: { [APP]: 50 } };

    const report = buildReadCostReport([{ secretArn: ARN, minutes: [old] }], lastHours(2));

    expect(report.secrets).toMatchObject([{ reads: 0, readsPerDay: 0, monthlyCost: 0, principals: [] }]);
  });

  it.each([
    [ARN, 'prod/orders/db'],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:plain-name-AbCdEf', 'plain-name'],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:short', 'short'],
  ])('names %s %s', (arn, name) => {
    expect(secretNameOf(arn)).toBe(name);
  });
});

describe('read-cost formatting', () => {
  const report = () =>
    buildReadCostReport(
      [usageOf(ARN, { [APP]: [3600, 3600], [WORKER]: [4, 4] }), usageOf(OTHER_ARN, { [WORKER]: [4, 4] })],
      lastHours(2),
    );

  it.each([
    [0, '0'],
    [0.43, '0.4'],
    [12.5, '12.5'],
    [99, '99'],
    [1234.4, '1,234'],
    [86_400, '86,400'],
  ])('counts %s as %s', (value, text) => {
    expect(formatCount(value)).toBe(text);
  });

  it.each([
    [0, '$0.00'],
    [0.004, '$0.00'],
    [0.4236, '$0.42'],
    [12.96, '$12.96'],
    [1234.5, '$1,234.50'],
  ])('prices %s as %s', (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });

  it('prints aligned columns with thousands separators and costs in dollars', () => {
    const text = formatReadCostTable(report());

    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Secrets Manager reads 2026-01-12T08:00Z → 2026-01-12T10:00Z (2 hours), at $0.05 per 10,000 calls, 30-day months',
    );
    const header = lines.findIndex((l) => l.startsWith('SECRET  '));
    expect(lines.slice(header, header + 4)).toEqual([
      'SECRET                READS  READS/DAY  COST/MONTH  TOP READER',
      'prod/orders/db        7,208     86,496      $12.97  arn:aws:sts::000000000000:assumed-role/orders-api/i-0a (100%)',
      'prod/billing/api-key      8         96       $0.01  arn:aws:sts::000000000000:assumed-role/billing-worker/i-0b (100%)',
      'TOTAL                 7,216     86,592      $12.99',
    ]);
    expect(text).toContain('Readers that look uncached (more than 60 reads of one secret an hour');
    expect(text).toMatch(/prod\/orders\/db {2}arn:aws:sts::000000000000:assumed-role\/orders-api\/i-0a +3,600 +2 of 2/);
    expect(text).toContain('$12.74 (84,960 reads/day)');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('says so when nobody read anything, or nobody looks uncached', () => {
    expect(formatReadCostTable(buildReadCostReport([], lastHours(2)))).toContain('No reads counted in this window.');
    expect(formatReadCostTable(buildReadCostReport([usageOf(ARN, { [WORKER]: [4] })], lastHours(1)))).toContain(
      'No reader looks uncached (more than 60 reads of one secret an hour, in most hours they read it).',
    );
  });

  it('writes CSV with a header row, one row per secret and principal', () => {
    const [header, ...rows] = formatReadCostCsv(report()).trimEnd().split('\n');

    expect(header).toBe(
      'secret,secret_arn,principal,reads,reads_per_day,monthly_cost_usd,share,active_hours,peak_reads_per_hour,' +
        'hours_over_threshold,uncached,caching_saves_reads_per_day,caching_saves_usd_per_month',
    );
    expect(rows).toEqual([
      `prod/orders/db,${ARN},${APP},7200,86400,12.96,0.9989,2,3600,2,true,84960,12.744`,
      `prod/orders/db,${ARN},${WORKER},8,96,0.0144,0.0011,2,4,0,false,0,0`,
      `prod/billing/api-key,${OTHER_ARN},${WORKER},8,96,0.0144,1,2,4,0,false,0,0`,
    ]);
  });

  it('quotes CSV fields that need it, never lets a field start a formula, strips control and bidi characters', () => {
    const weird = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:=HYPERLINK("x"),a-AbCdEf';
    const report = buildReadCostReport([usageOf(weird, { 'arn:aws:iam::0:user/ev\u202eil\u0007': [1] })], lastHours(1));

    const [, row] = formatReadCostCsv(report).split('\n');

    expect(row).toMatch(/^"'=HYPERLINK\(""x""\),a",/);
    expect(row).toContain(',arn:aws:iam::0:user/evil,');
    const table = formatReadCostTable(report);
    expect(table).toContain('arn:aws:iam::0:user/evil (100%)');
    for (const character of ['\u202e', '\u0007']) expect(table).not.toContain(character);
  });
});

// The read-cost report: what each secret's reads cost in Secrets Manager API calls, who makes them, and which readers
// look uncached (with what a cache would save). Pure: built from the per-minute counters ingest-reads already writes
// (a count per secret and minute, and one per principal inside it), so the report needs no write of its own.
import { minuteOf } from './aggregate.ts';
import { OTHER_PRINCIPALS } from './keys.ts';
import { principalArnOf } from './read-event.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The month of a monthly estimate. */
const DAYS_PER_MONTH = 30;
/** How many readers a secret's row names, and how many principals the table lists per secret (JSON and CSV: all). */
const TOP_READERS = 3;
const TABLE_PRINCIPALS = 5;

/**
 * Secrets Manager's published price, $0.05 per 10,000 API calls (https://aws.amazon.com/secrets-manager/pricing/, as
 * of 2026-12), and the hourly read count above which a reader looks uncached. Stage params override both.
 */
const defaultReadCostParams = { pricePer10k: 0.05, uncachedPerHour: 60 } as const;

interface ReadCostParams {
  /** Dollars per 10,000 GetSecretValue calls (stage param `readsPricePer10k`). */
  readonly pricePer10k: number;
  /** More reads of one secret than this in an hour look uncached (stage param `readsUncachedPerHour`). */
  readonly uncachedPerHour: number;
}

/** One minute of a secret's reads as the counters hold them: the total and a count per principal key. */
interface MinuteUsage {
  readonly minute: number;
  readonly reads: number;
  /** Principal key (`<ARN>` or `<ARN>|<access key>`) → reads. */
  readonly principals: Readonly<Record<string, number>>;
}

interface SecretUsage {
  readonly secretArn: string;
  readonly minutes: readonly MinuteUsage[];
}

interface PrincipalCost {
  /** The identity's ARN: its access keys count together (temporary keys change every hour or so). */
  readonly principal: string;
  readonly reads: number;
  readonly readsPerDay: number;
  readonly monthlyCost: number;
  /** Of the secret's reads. */
  readonly share: number;
  /** Clock hours (UTC) in which it read the secret at least once. */
  readonly activeHours: number;
  readonly peakPerHour: number;
  readonly hoursOverThreshold: number;
  /** More than `uncachedPerHour` reads in more than half of its active hours. */
  readonly uncached: boolean;
  /** For an uncached reader: the reads above the threshold per day, and what they cost a month (else 0). */
  readonly savedReadsPerDay: number;
  readonly savingsPerMonth: number;
}

interface SecretCost {
  readonly secretArn: string;
  readonly name: string;
  readonly reads: number;
  readonly readsPerDay: number;
  readonly monthlyCost: number;
  readonly topReaders: readonly { principal: string; reads: number; share: number }[];
  readonly principals: readonly PrincipalCost[];
}

interface UncachedReader extends PrincipalCost {
  readonly secretArn: string;
  readonly name: string;
}

interface ReadCostReport {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** `--since` reached further back than the counters are kept: the window starts where they do. */
  readonly clampedToRetention: boolean;
  readonly pricePer10k: number;
  readonly uncachedPerHour: number;
  readonly daysPerMonth: number;
  readonly totals: {
    readonly secrets: number;
    readonly reads: number;
    readonly readsPerDay: number;
    readonly monthlyCost: number;
    readonly uncachedReaders: number;
    readonly savingsPerMonth: number;
  };
  readonly secrets: readonly SecretCost[];
  readonly uncached: readonly UncachedReader[];
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

// --- input ----------------------------------------------------------------------------------------------------------

const RELATIVE = /^(\d+)([dhm])$/;
const UNIT_MS = { d: DAY, h: HOUR, m: MINUTE } as const;
// A date, or a date and time; a time without a zone is taken as UTC, so a report never depends on the machine's zone.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `--since`: `7d`, `12h`, `30m`, or an ISO date (`2026-01-05`, `2026-01-05T08:00Z`); the start, in ms. */
const parseSince = (text: string, now: number): Parsed<number> => {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    if (amount < 1) return { ok: false, message: `--since ${text}: the amount must be at least 1` };
    return { ok: true, value: now - amount * UNIT_MS[relative[2] as keyof typeof UNIT_MS] };
  }
  const iso = ISO.exec(text);
  const time = iso ? Date.parse(iso[1] && !iso[4] ? `${text}Z` : text) : Number.NaN;
  if (!Number.isFinite(time))
    return {
      ok: false,
      message: `--since ${JSON.stringify(text)}: expected a duration (7d, 12h, 30m) or an ISO date (2026-01-05, 2026-01-05T08:00Z)`,
    };
  if (time >= now) return { ok: false, message: `--since ${text} is not in the past` };
  return { ok: true, value: time };
};

/** The stage params `readsPricePer10k` and `readsUncachedPerHour` over the defaults; numbers or numeric strings. */
const readCostParamsFrom = (stage: Readonly<Record<string, unknown>>): Parsed<ReadCostParams> => {
  const number = (name: string, fallback: number): number | string => {
    const raw = stage[name];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    return Number.isFinite(value) && value > 0
      ? value
      : `${name} must be a positive number, got ${JSON.stringify(raw)}`;
  };
  const pricePer10k = number('readsPricePer10k', defaultReadCostParams.pricePer10k);
  const uncachedPerHour = number('readsUncachedPerHour', defaultReadCostParams.uncachedPerHour);
  if (typeof pricePer10k === 'string') return { ok: false, message: pricePer10k };
  if (typeof uncachedPerHour === 'string') return { ok: false, message: uncachedPerHour };
  return { ok: true, value: { pricePer10k, uncachedPerHour } };
};

/**
 * The report's window: from `since` (down to its minute) to `now`, but never before the oldest counters kept
 * (`retentionMs`), so reads per day are not diluted by days nobody could have counted.
 */
const reportWindow = (since: number, now: number, retentionMs: number) => {
  const oldest = minuteOf(now - retentionMs);
  const clampedToRetention = since < oldest;
  return { from: clampedToRetention ? oldest : minuteOf(since), to: now, clampedToRetention };
};

// --- the report -----------------------------------------------------------------------------------------------------

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** A secret's name from its ARN: the part after `secret:`, without the six random characters Secrets Manager adds. */
const secretNameOf = (arn: string): string => {
  const at = arn.indexOf(':secret:');
  if (at < 0) return arn;
  const rest = arn.slice(at + ':secret:'.length);
  return /-[A-Za-z0-9]{6}$/.test(rest) ? rest.slice(0, -7) : rest;
};

interface Window {
  readonly from: number;
  readonly to: number;
  readonly clampedToRetention?: boolean;
}

const buildReadCostReport = (
  usage: readonly SecretUsage[],
  window: Window,
  params: ReadCostParams = defaultReadCostParams,
): ReadCostReport => {
  const days = Math.max(window.to - window.from, MINUTE) / DAY;
  const perDay = (reads: number) => reads / days;
  const monthly = (reads: number) => (perDay(reads) * DAYS_PER_MONTH * params.pricePer10k) / 10_000;
  const N = params.uncachedPerHour;

  const secrets: SecretCost[] = usage.map(({ secretArn, minutes }) => {
    let reads = 0;
    const hourly = new Map<string, Map<number, number>>();
    for (const m of minutes) {
      if (m.minute < window.from || m.minute > window.to) continue;
      reads += m.reads;
      const hour = Math.floor(m.minute / HOUR) * HOUR;
      for (const [key, count] of Object.entries(m.principals)) {
        const principal = principalArnOf(key);
        const hours = hourly.get(principal) ?? new Map<number, number>();
        hours.set(hour, (hours.get(hour) ?? 0) + count);
        hourly.set(principal, hours);
      }
    }
    const principals = [...hourly]
      .map(([principal, hours]): PrincipalCost => {
        const counts = [...hours.values()];
        const total = counts.reduce((a, b) => a + b, 0);
        const over = counts.filter((c) => c > N).length;
        // Many principals counted together cannot say anything about one reader's cache.
        const uncached = principal !== OTHER_PRINCIPALS && over * 2 > counts.length;
        const excess = uncached ? counts.reduce((a, c) => a + Math.max(0, c - N), 0) : 0;
        return {
          principal,
          reads: total,
          readsPerDay: round(perDay(total), 2),
          monthlyCost: round(monthly(total), 4),
          share: reads > 0 ? round(total / reads, 4) : 0,
          activeHours: counts.length,
          peakPerHour: Math.max(0, ...counts),
          hoursOverThreshold: over,
          uncached,
          savedReadsPerDay: round(perDay(excess), 2),
          savingsPerMonth: round(monthly(excess), 4),
        };
      })
      .sort((a, b) => b.reads - a.reads || a.principal.localeCompare(b.principal));
    return {
      secretArn,
      name: secretNameOf(secretArn),
      reads,
      readsPerDay: round(perDay(reads), 2),
      monthlyCost: round(monthly(reads), 4),
      topReaders: principals
        .slice(0, TOP_READERS)
        .map(({ principal, reads: n, share }) => ({ principal, reads: n, share })),
      principals,
    };
  });
  secrets.sort((a, b) => b.reads - a.reads || a.name.localeCompare(b.name));

  const uncached = secrets
    .flatMap((s) => s.principals.filter((p) => p.uncached).map((p) => ({ ...p, secretArn: s.secretArn, name: s.name })))
    .sort((a, b) => b.savingsPerMonth - a.savingsPerMonth || b.reads - a.reads);
  const reads = secrets.reduce((a, s) => a + s.reads, 0);
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    days: round(days, 4),
    clampedToRetention: window.clampedToRetention ?? false,
    pricePer10k: params.pricePer10k,
    uncachedPerHour: N,
    daysPerMonth: DAYS_PER_MONTH,
    totals: {
      secrets: secrets.length,
      reads,
      readsPerDay: round(perDay(reads), 2),
      monthlyCost: round(monthly(reads), 4),
      uncachedReaders: uncached.length,
      savingsPerMonth: round(
        uncached.reduce((a, u) => a + u.savingsPerMonth, 0),
        4,
      ),
    },
    secrets,
    uncached,
  };
};

// --- formatting -----------------------------------------------------------------------------------------------------

// Names and principals come from CloudTrail and the counters: no control or bidi character reaches a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const printable = (text: string) => text.replace(UNPRINTABLE, '');

/** Reads: thousands separators; below 100, one decimal when not whole (a secret read 3 times a week: 0.4 a day). */
const formatCount = (value: number): string =>
  value >= 100 || Number.isInteger(value)
    ? Math.round(value).toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 1 });

const formatUsd = (value: number): string =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const formatShare = (share: number) => `${Math.round(share * 100)}%`;

/** Aligned columns: text left, numbers right; two spaces between; no trailing blanks. */
const columns = (rows: readonly (readonly string[])[], right: readonly boolean[]): string[] => {
  const widths = right.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};

const shortTime = (iso: string) => `${iso.slice(0, 16)}Z`;

const spanText = (days: number) => {
  if (days >= 1) return `${formatCount(round(days, 1))} day${round(days, 1) === 1 ? '' : 's'}`;
  const hours = round(days * 24, 1);
  return hours >= 1
    ? `${formatCount(hours)} hour${hours === 1 ? '' : 's'}`
    : `${formatCount(round(hours * 60, 0))} min`;
};

const formatReadCostTable = (report: ReadCostReport): string => {
  const out: string[] = [
    `Secrets Manager reads ${shortTime(report.from)} → ${shortTime(report.to)} (${spanText(report.days)}), ` +
      `at ${formatUsd(report.pricePer10k)} per 10,000 calls, ${report.daysPerMonth}-day months`,
  ];
  if (report.clampedToRetention)
    out.push('(--since reaches back further than counters are kept: the window starts at the oldest)');
  out.push('');
  if (report.secrets.length === 0) {
    out.push('No reads counted in this window.');
    return `${out.join('\n')}\n`;
  }

  const secretRows = report.secrets.map((s) => {
    const top = s.topReaders[0];
    return [
      printable(s.name),
      formatCount(s.reads),
      formatCount(s.readsPerDay),
      formatUsd(s.monthlyCost),
      top ? `${printable(top.principal)} (${formatShare(top.share)})` : '-',
    ];
  });
  const t = report.totals;
  out.push(
    ...columns(
      [
        ['SECRET', 'READS', 'READS/DAY', 'COST/MONTH', 'TOP READER'],
        ...secretRows,
        ['TOTAL', formatCount(t.reads), formatCount(t.readsPerDay), formatUsd(t.monthlyCost), ''],
      ],
      [false, true, true, true, false],
    ),
  );

  out.push('', 'Top readers');
  const principalRows: string[][] = [];
  for (const s of report.secrets) {
    for (const p of s.principals.slice(0, TABLE_PRINCIPALS)) {
      principalRows.push([
        printable(s.name),
        printable(p.principal),
        formatCount(p.reads),
        formatCount(p.readsPerDay),
        formatUsd(p.monthlyCost),
        formatCount(p.peakPerHour),
      ]);
    }
    const rest = s.principals.slice(TABLE_PRINCIPALS);
    if (rest.length > 0) {
      const reads = rest.reduce((a, p) => a + p.reads, 0);
      principalRows.push([printable(s.name), `(${rest.length} more)`, formatCount(reads), '', '', '']);
    }
  }
  out.push(
    ...columns(
      [['SECRET', 'PRINCIPAL', 'READS', 'READS/DAY', 'COST/MONTH', 'PEAK/HOUR'], ...principalRows],
      [false, false, true, true, true, true],
    ),
  );

  const rule = `more than ${formatCount(report.uncachedPerHour)} reads of one secret an hour, in most hours they read it`;
  out.push('');
  if (report.uncached.length === 0) {
    out.push(`No reader looks uncached (${rule}).`);
  } else {
    out.push(`Readers that look uncached (${rule})`);
    out.push(
      ...columns(
        [
          ['SECRET', 'PRINCIPAL', 'PEAK/HOUR', 'HOURS OVER', 'COST/MONTH', 'CACHING SAVES/MONTH'],
          ...report.uncached.map((u) => [
            printable(u.name),
            printable(u.principal),
            formatCount(u.peakPerHour),
            `${formatCount(u.hoursOverThreshold)} of ${formatCount(u.activeHours)}`,
            formatUsd(u.monthlyCost),
            `${formatUsd(u.savingsPerMonth)} (${formatCount(u.savedReadsPerDay)} reads/day)`,
          ]),
        ],
        [false, false, true, true, true, false],
      ),
    );
    out.push(
      `Caching could save at least ${formatUsd(t.savingsPerMonth)} a month: the reads above ` +
        `${formatCount(report.uncachedPerHour)} an hour (a cache that refreshes less often saves more).`,
    );
  }
  return `${out.join('\n')}\n`;
};

const CSV_HEADER = [
  'secret',
  'secret_arn',
  'principal',
  'reads',
  'reads_per_day',
  'monthly_cost_usd',
  'share',
  'active_hours',
  'peak_reads_per_hour',
  'hours_over_threshold',
  'uncached',
  'caching_saves_reads_per_day',
  'caching_saves_usd_per_month',
] as const;

/** A CSV field: quoted when it must be, and never a formula when a spreadsheet opens it (`=`, `+`, `-`, `@`). */
const csvField = (value: string | number | boolean): string => {
  let text = typeof value === 'string' ? printable(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One row per (secret, principal), with a header; a secret's figures are the sum of its rows. */
const formatReadCostCsv = (report: ReadCostReport): string => {
  const rows = report.secrets.flatMap((s) =>
    s.principals.map((p) => [
      s.name,
      s.secretArn,
      p.principal,
      p.reads,
      p.readsPerDay,
      p.monthlyCost,
      p.share,
      p.activeHours,
      p.peakPerHour,
      p.hoursOverThreshold,
      p.uncached,
      p.savedReadsPerDay,
      p.savingsPerMonth,
    ]),
  );
  return `${[[...CSV_HEADER], ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
};

export type { MinuteUsage, PrincipalCost, ReadCostParams, ReadCostReport, SecretCost, SecretUsage, UncachedReader };
export {
  buildReadCostReport,
  DAYS_PER_MONTH,
  defaultReadCostParams,
  formatCount,
  formatReadCostCsv,
  formatReadCostTable,
  formatUsd,
  parseSince,
  readCostParamsFrom,
  reportWindow,
  secretNameOf,
};

// EventBridge schedule expressions: `rate(5 minutes)` and six-field `cron(min hour day-of-month month day-of-week year)`.

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

type Field = (value: number) => boolean;

const parseField = (text: string, min: number, max: number, names: string[] = [], nameBase = min): Field => {
  if (text === '*' || text === '?') return () => true;
  const toNumber = (token: string) => {
    const named = names.indexOf(token.toUpperCase());
    const value = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`cron field value "${token}" is out of range`);
    return value;
  };
  const parts = text.split(',').map((part) => {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron step "${stepText}" is not a positive integer`);
    const [from, to] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(toNumber)
          : [toNumber(range), stepText ? max : toNumber(range)];
    return { from: from ?? min, to: to ?? max, step };
  });
  return (value) => parts.some(({ from, to, step }) => value >= from && value <= to && (value - from) % step === 0);
};

interface Schedule {
  /** The first firing strictly after `after`. */
  next(after: Date): Date;
}

const parseSchedule = (expression: string): Schedule => {
  const rate = RATE.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    const unit = (rate[2] ?? 'minute').replace(/s$/, '') as keyof typeof UNIT_MS;
    if (count < 1) throw new Error(`Schedule ${expression}: the rate must be at least 1`);
    return { next: (after) => new Date(after.getTime() + count * UNIT_MS[unit]) };
  }
  const cron = CRON.exec(expression);
  if (!cron) throw new Error(`Schedule "${expression}" is neither rate(...) nor cron(...)`);
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`Schedule ${expression}: cron needs 6 fields, got ${fields.length}`);
  if (fields.some((f) => /[LW#]/.test(f)))
    throw new Error(`Schedule ${expression}: L, W and # are not supported locally`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  const match = {
    minute: parseField(minute, 0, 59),
    hour: parseField(hour, 0, 23),
    dayOfMonth: parseField(dayOfMonth, 1, 31),
    month: parseField(month, 1, 12, MONTH_NAMES, 1),
    // EventBridge numbers days 1 (Sunday) to 7 (Saturday).
    dayOfWeek: parseField(dayOfWeek, 1, 7, DAY_NAMES, 1),
    year: parseField(year, 1970, 2199),
  };
  return {
    next(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      // Bounded search: skip whole days and hours that cannot match, so even yearly schedules are found quickly.
      for (let guard = 0; guard < 2_000_000; guard++) {
        const dayOk =
          match.year(t.getUTCFullYear()) &&
          match.month(t.getUTCMonth() + 1) &&
          match.dayOfMonth(t.getUTCDate()) &&
          match.dayOfWeek(t.getUTCDay() + 1);
        if (!dayOk) {
          t.setUTCHours(24, 0, 0, 0);
          continue;
        }
        if (!match.hour(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (match.minute(t.getUTCMinutes())) return t;
        t.setUTCMinutes(t.getUTCMinutes() + 1);
      }
      throw new Error(`Schedule ${expression} never fires`);
    },
  };
};

export type { Schedule };
export { parseSchedule };

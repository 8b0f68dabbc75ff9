// Calendar days in UTC, as `YYYY-MM-DD`: the cleanup's unit of time. LastAccessedDate has day resolution (AWS keeps
// the day of the last read, not the instant), so every age the policy judges is a whole number of UTC days.
const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day an instant falls on; undefined for text that is not a date. */
const dayOf = (instant: string | undefined): string | undefined => {
  if (instant === undefined) return undefined;
  const ms = Date.parse(instant);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
};

/** A real calendar day written `YYYY-MM-DD` (2026-02-30 is not one). */
const isDay = (text: string | undefined): text is string =>
  text !== undefined && DAY_FORMAT.test(text) && dayOf(`${text}T00:00:00Z`) === text;

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The later of two days (either may be absent). */
const laterDay = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a >= b ? a : b;

export { addDays, DAY_MS, dayOf, daysBetween, isDay, laterDay };

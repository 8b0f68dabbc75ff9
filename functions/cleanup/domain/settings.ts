// The stage's cleanup params as the functions receive them (environment strings), checked once when a scan starts:
// a recovery window outside 7–30 days, or a mode that is not one of the three, stops the scan before it changes
// anything, with a message that names the param.
import { CleanupSettingsError } from '../errors.ts';
import type { CleanupMode } from '../schemas.ts';

interface CleanupSettings {
  readonly mode: CleanupMode;
  readonly unusedDays: number;
  readonly graceDays: number;
  readonly recoveryDays: number;
  readonly exemptPrefixes: readonly string[];
  readonly approvalDefault: string;
}

const MODES: readonly string[] = ['report', 'mark', 'delete'];

const isMode = (value: string): value is CleanupMode => MODES.includes(value);

const wholeDays = (param: string, value: string | undefined, min: number, max: number): number => {
  const days = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(days) || days < min || days > max) {
    throw new CleanupSettingsError(
      `${param} must be a whole number of days from ${min} to ${max}, got "${value ?? ''}"`,
    );
  }
  return days;
};

/** Comma-separated prefixes; blanks (a stray comma) never exempt everything. */
const prefixesOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');

const readSettings = (env: Readonly<Record<string, string | undefined>>): CleanupSettings => {
  const mode = (env.CLEANUP_MODE ?? 'report').trim().toLowerCase();
  if (!isMode(mode)) throw new CleanupSettingsError(`cleanupMode must be report, mark or delete, got "${mode}"`);
  return {
    mode,
    unusedDays: wholeDays('cleanupUnusedDays', env.CLEANUP_UNUSED_DAYS, 1, 3650),
    graceDays: wholeDays('cleanupGraceDays', env.CLEANUP_GRACE_DAYS, 1, 365),
    // Secrets Manager's own bounds for RecoveryWindowInDays.
    recoveryDays: wholeDays('cleanupRecoveryDays', env.CLEANUP_RECOVERY_DAYS, 7, 30),
    exemptPrefixes: prefixesOf(env.CLEANUP_EXEMPT_PREFIXES),
    approvalDefault: (env.APPROVAL_DEFAULT ?? 'required').trim() || 'required',
  };
};

export type { CleanupSettings };
export { prefixesOf, readSettings };

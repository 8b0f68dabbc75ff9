// S3 Lifecycle expiration on the local clock: a bucket's rules (Status Enabled, an optional key prefix, Expiration
// in days) delete an object once it is that many days old, as S3 counts them: the days are added to the object's
// creation time and rounded up to the next midnight UTC. So every expiry falls on a midnight, and one timer at the
// earliest one due is all the local S3 needs; advancing the clock over a week expires a week's log files, each on its
// day. Only expiration is emulated (the stack's rules use nothing else): a rule with another action (transitions,
// noncurrent versions, incomplete uploads) or a filter other than a prefix is refused when the stack is read, rather
// than quietly not applied.
import type { Clock } from '../clock.ts';

interface LifecycleRule {
  readonly id: string | undefined;
  /** Keys starting with this expire (`''`: every key). */
  readonly prefix: string;
  readonly expirationDays: number;
}

const DAY_MS = 86_400_000;

// What an AWS::S3::Bucket lifecycle rule can have that the local S3 does not carry out: other actions and filters.
const UNSUPPORTED = [
  'TagFilters',
  'ObjectSizeGreaterThan',
  'ObjectSizeLessThan',
  'Transitions',
  'Transition',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionTransitions',
  'NoncurrentVersionTransition',
  'AbortIncompleteMultipartUpload',
  'ExpiredObjectDeleteMarker',
  'ExpirationDate',
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The enabled expiration rules of an AWS::S3::Bucket's LifecycleConfiguration (resolved), in order. Throws a message
 * naming the property for what the local S3 cannot carry out or does not understand.
 */
const lifecycleRules = (configuration: unknown, where: string): LifecycleRule[] => {
  if (configuration === undefined) return [];
  const rules = isRecord(configuration) ? configuration.Rules : undefined;
  if (!Array.isArray(rules)) throw new Error(`${where}.Rules must be a list of rules`);
  return rules.flatMap((rule: unknown, i): LifecycleRule[] => {
    const at = `${where}.Rules[${i}]`;
    if (!isRecord(rule)) throw new Error(`${at} must be an object`);
    if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') {
      throw new Error(`${at}.Status must be Enabled or Disabled`);
    }
    const unsupported = UNSUPPORTED.find((name) => rule[name] !== undefined);
    if (unsupported) throw new Error(`${at}.${unsupported}: the local S3 takes Prefix and ExpirationInDays only`);
    const days = Number(rule.ExpirationInDays);
    if (!Number.isInteger(days) || days < 1) throw new Error(`${at}.ExpirationInDays must be a whole number ≥ 1`);
    if (rule.Prefix !== undefined && typeof rule.Prefix !== 'string') throw new Error(`${at}.Prefix must be a string`);
    const prefix = rule.Prefix ?? '';
    if (rule.Status === 'Disabled') return [];
    return [{ id: typeof rule.Id === 'string' ? rule.Id : undefined, prefix, expirationDays: days }];
  });
};

/** When an object created at `created` (epoch ms) expires under `days`: `days` later, rounded up to midnight UTC. */
const expiresAt = (created: number, days: number): number => Math.ceil((created + days * DAY_MS) / DAY_MS) * DAY_MS;

/** The earliest expiry of a key under the rules, or undefined when no rule covers it. */
const expiryOf = (rules: readonly LifecycleRule[], key: string, created: number): number | undefined => {
  let at: number | undefined;
  for (const rule of rules) {
    if (!key.startsWith(rule.prefix)) continue;
    const due = expiresAt(created, rule.expirationDays);
    if (at === undefined || due < at) at = due;
  }
  return at;
};

interface ExpiryTarget {
  /** Deletes every object due by `now` and answers the earliest expiry left, or undefined when none is left. */
  expireDue(now: number): number | undefined;
}

/**
 * Keeps one clock timer at the earliest expiry due (none while nothing can expire, so a test clock moved over a month
 * without lifecycle objects fires nothing). `due(at)` is told each new object's expiry; `sweep()` expires what is
 * due now (after a restart, what fell due while the local cloud was stopped).
 */
const createExpiryTimer = (clock: Clock, target: ExpiryTarget) => {
  let armedAt: number | undefined;
  let stopped = false;

  const sweep = (): void => {
    if (stopped) return;
    const next = target.expireDue(clock.now().getTime());
    if (next !== undefined) due(next);
  };

  const due = (at: number): void => {
    if (stopped || (armedAt !== undefined && armedAt <= at)) return;
    armedAt = at;
    void clock.sleep(Math.max(0, at - clock.now().getTime())).then(() => {
      // A later timer replaced by an earlier one still fires; only the one armed now re-arms.
      if (armedAt !== at) return;
      armedAt = undefined;
      sweep();
    });
  };

  return {
    due,
    sweep,
    stop: () => {
      stopped = true;
    },
  };
};

export type { LifecycleRule };
export { createExpiryTimer, expiresAt, expiryOf, lifecycleRules };

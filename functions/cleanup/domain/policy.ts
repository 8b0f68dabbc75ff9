// "Unused for N days", decided from what ListSecrets (and, for secrets with replicas, DescribeSecret) says, without
// reading anything: pure, so every boundary is table-tested and property-tested (test/cleanup/).
//
// Last use is the latest LastAccessedDate of the primary and of every replica (each region keeps its own). A secret
// never read anywhere counts from its CreatedDate, so yesterday's new secret is not unused. Ages are whole UTC days:
// a secret is unused when its last use is MORE than N days before today (N = 90: last read 1 March → a candidate from
// 31 May, not on 30 May), and a mark's grace is over when the mark is more than G days old. Both err on the side of
// keeping: LastAccessedDate says only which day the last read was, not when in that day.
import { addDays, dayOf, daysBetween, isDay, laterDay } from './days.ts';
import { CleanupTag, tagIs } from './tags.ts';

/** What the policy needs of a secret: ListSecrets' fields (dates as ISO strings), never a value. */
interface Inventoried {
  readonly arn: string;
  readonly name: string;
  readonly createdDate?: string;
  readonly lastAccessedDate?: string;
  readonly deletedDate?: string;
  readonly primaryRegion?: string;
  readonly owningService?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A replica as DescribeSecret's ReplicationStatus reports it. */
interface ReplicaUse {
  readonly region: string;
  readonly lastAccessedDate?: string;
}

interface PolicySettings {
  /** cleanupUnusedDays. */
  readonly unusedDays: number;
  /** cleanupGraceDays. */
  readonly graceDays: number;
  /** cleanupExemptPrefixes: names starting with one of these are never candidates. */
  readonly exemptPrefixes: readonly string[];
  /** The region the scan runs in: a secret whose primary is elsewhere is that region's to clean up. */
  readonly region: string;
}

type Verdict =
  | { readonly kind: 'exempt'; readonly reason: string; readonly markedOn?: string; readonly scheduled: boolean }
  | {
      readonly kind: 'in-use';
      readonly lastUsed: string | null;
      readonly unusedDays: number;
      readonly reason: string;
      readonly markedOn?: string;
    }
  /** Unused in the primary's region, but it has replicas whose reads are not known yet: DescribeSecret, then again. */
  | { readonly kind: 'needs-replicas' }
  | {
      readonly kind: 'unused';
      readonly lastUsed: string | null;
      readonly unusedDays: number;
      readonly reason: string;
      /** A valid mark (a day no later than today), if any. */
      readonly markedOn?: string;
      /** Marked, and the mark is more than graceDays old. */
      readonly due: boolean;
      /** The first day a deletion may happen, once marked. */
      readonly deletableFrom?: string;
      readonly replicaRegions: readonly string[];
      readonly replicasAllowed: boolean;
    };

/** The first exemption that applies, in the order docs/cleanup.md lists them. */
const exemptionOf = (secret: Inventoried, settings: PolicySettings): string | undefined => {
  if (secret.deletedDate !== undefined) {
    return `already scheduled for deletion (since ${dayOf(secret.deletedDate) ?? secret.deletedDate})`;
  }
  if (secret.owningService) return `managed by ${secret.owningService} (OwningService)`;
  if (tagIs(secret.tags, CleanupTag.exempt, 'exempt')) return `tag ${CleanupTag.exempt}=exempt`;
  const prefix = settings.exemptPrefixes.find((p) => p !== '' && secret.name.startsWith(p));
  if (prefix !== undefined) return `name starts with "${prefix}" (cleanupExemptPrefixes)`;
  if (secret.primaryRegion !== undefined && secret.primaryRegion !== settings.region) {
    return `a replica: its primary is in ${secret.primaryRegion}, whose cleanup decides`;
  }
  return undefined;
};

/** The secret's mark, when it is a real day no later than today; anything else counts as no mark. */
const markOf = (tags: Readonly<Record<string, string>>, today: string): string | undefined => {
  const value = tags[CleanupTag.marked]?.trim();
  return isDay(value) && value <= today ? value : undefined;
};

/**
 * @param replicas undefined when not asked yet; the verdict is `needs-replicas` when they could change it.
 * @param today the scan's UTC day (`YYYY-MM-DD`).
 */
const evaluate = (
  secret: Inventoried,
  replicas: readonly ReplicaUse[] | undefined,
  settings: PolicySettings,
  today: string,
): Verdict => {
  const markedOn = markOf(secret.tags, today);
  const marked = markedOn === undefined ? {} : { markedOn };
  const exemption = exemptionOf(secret, settings);
  if (exemption !== undefined) {
    return { kind: 'exempt', reason: exemption, scheduled: secret.deletedDate !== undefined, ...marked };
  }
  const lastUsed =
    (replicas ?? []).reduce<string | undefined>(
      (latest, replica) => laterDay(latest, dayOf(replica.lastAccessedDate)),
      dayOf(secret.lastAccessedDate),
    ) ?? null;
  const since = lastUsed ?? dayOf(secret.createdDate);
  if (since === undefined) {
    return {
      kind: 'in-use',
      lastUsed,
      unusedDays: 0,
      reason: 'no CreatedDate or LastAccessedDate: age unknown',
      ...marked,
    };
  }
  const unusedDays = Math.max(0, daysBetween(since, today));
  const age = lastUsed === null ? `never read; created ${unusedDays} days ago (${since})` : `last read ${lastUsed}`;
  if (unusedDays <= settings.unusedDays) {
    return { kind: 'in-use', lastUsed, unusedDays, reason: `${age}, within ${settings.unusedDays} days`, ...marked };
  }
  // Only a secret with a primary region can have replicas (ListSecrets names it for replicated secrets).
  if (secret.primaryRegion !== undefined && replicas === undefined) return { kind: 'needs-replicas' };
  const due = markedOn !== undefined && daysBetween(markedOn, today) > settings.graceDays;
  return {
    kind: 'unused',
    lastUsed,
    unusedDays,
    reason:
      lastUsed === null
        ? `never read in any region; created ${unusedDays} days ago (${since})`
        : `unused for ${unusedDays} days: last read ${lastUsed} (latest of every region)`,
    ...marked,
    due,
    ...(markedOn === undefined ? {} : { deletableFrom: addDays(markedOn, settings.graceDays + 1) }),
    replicaRegions: (replicas ?? []).map((r) => r.region),
    replicasAllowed: tagIs(secret.tags, CleanupTag.replicas, 'allow'),
  };
};

export type { Inventoried, PolicySettings, ReplicaUse, Verdict };
export { evaluate, exemptionOf, markOf };

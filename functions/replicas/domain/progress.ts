// A repair in flight, region by region: which calls start it, and how each check of DescribeSecret moves it on until
// every region is repaired (InSync and serving the primary's AWSCURRENT version), pruned, or failed. Transient failures
// are replicated again after a backoff, a bounded number of times; the checks themselves are bounded too, so the
// workflow's Wait loop always ends. Pure: the steps read the replicas and issue the operations this returns.
// Time is the workflow's: the backoff is the Wait state's length (`waitSeconds`), never a timestamp compared with a
// function's clock, so the state machine's clock (the local cloud's, in tests) is the only one that counts.
import { classify, FAILURE_CLASSES, type FailureClass } from './classify.ts';
import { ACTIONS, type Action, type ObservedReplica, type RegionPlan } from './plan.ts';
import { sameKey } from './policy.ts';

interface Limits {
  readonly maxAttempts: number;
  readonly maxChecks: number;
  readonly pollSeconds: number;
  readonly backoffSeconds: readonly number[];
}

const LIMITS: Limits = {
  /** Replications this workflow starts per region, the first included. */
  maxAttempts: 3,
  /** Checks before a region still not InSync counts as failed. */
  maxChecks: 30,
  /** Seconds between checks while a replication is in progress. */
  pollSeconds: 10,
  /** Seconds before the 2nd, 3rd, … attempt after a transient failure. */
  backoffSeconds: [30, 60, 120],
};

const STATES = {
  replicating: 'replicating',
  backingOff: 'backing-off',
  repaired: 'repaired',
  pruned: 'pruned',
  failed: 'failed',
} as const;

type RegionState = (typeof STATES)[keyof typeof STATES];

const TERMINAL: ReadonlySet<RegionState> = new Set([STATES.repaired, STATES.pruned, STATES.failed]);

interface RegionProgress {
  readonly region: string;
  readonly action: Action;
  readonly statusBefore: string;
  readonly targetKmsKeyId?: string;
  readonly force: boolean;
  readonly attempts: number;
  readonly state: RegionState;
  /** While backing off: how long before it is replicated again. */
  readonly backoffSeconds?: number;
  readonly statusAfter?: string;
  /** The version the repaired replica serves (the primary's AWSCURRENT). */
  readonly versionId?: string;
  /** The class of the last failure this workflow saw. */
  readonly class?: FailureClass;
  readonly reason?: string;
}

interface Progress {
  readonly regions: readonly RegionProgress[];
  readonly checks: number;
  readonly settled: boolean;
  /** How long the workflow waits before the next check. */
  readonly waitSeconds: number;
}

type Operation =
  | { readonly kind: 'remove'; readonly regions: readonly string[] }
  | {
      readonly kind: 'replicate';
      readonly regions: readonly { region: string; kmsKeyId?: string }[];
      readonly force: boolean;
    };

/** What a check sees of a region: DescribeSecret's entry, and the replica's own AWSCURRENT version when InSync. */
interface Observation extends ObservedReplica {
  readonly currentVersionId?: string;
}

/** Remove-then-replicate (or remove only) for each region, grouped into as few calls as the API allows. */
const operationsFor = (
  starts: readonly { region: string; remove: boolean; replicate: boolean; kmsKeyId?: string; force: boolean }[],
): Operation[] => {
  const removals = starts.filter((s) => s.remove).map((s) => s.region);
  const replicate = (force: boolean): Operation[] => {
    const regions = starts
      .filter((s) => s.replicate && s.force === force)
      .map((s) => (s.kmsKeyId === undefined ? { region: s.region } : { region: s.region, kmsKeyId: s.kmsKeyId }));
    return regions.length > 0 ? [{ kind: 'replicate', regions, force }] : [];
  };
  // ForceOverwriteReplicaSecret applies to a whole call: forced regions go in a call of their own.
  return [
    ...(removals.length > 0 ? [{ kind: 'remove' as const, regions: removals }] : []),
    ...replicate(false),
    ...replicate(true),
  ];
};

/**
 * How to (re)start one region given what is there now. Idempotent: a retried step that finds its own replication
 * InProgress or InSync with the key it wanted leaves it be; a failed replica, or one with another key, goes first.
 */
const startOf = (
  target: { region: string; targetKmsKeyId?: string; force: boolean },
  current: ObservedReplica | undefined,
) => {
  const keyDiffers = target.targetKmsKeyId !== undefined && !sameKey(current?.kmsKeyId, target.targetKmsKeyId);
  const remove = current !== undefined && (current.status === 'Failed' || keyDiffers);
  const replicate = current === undefined || remove;
  return {
    region: target.region,
    remove,
    replicate,
    force: target.force,
    ...(target.targetKmsKeyId === undefined ? {} : { kmsKeyId: target.targetKmsKeyId }),
  };
};

/** The Wait before the next check: the shortest backoff, or a poll interval while a replication runs. */
const waitOf = (regions: readonly RegionProgress[], limits: Limits) => {
  const open = regions.filter((r) => !TERMINAL.has(r.state));
  if (open.length === 0) return 0;
  return Math.min(
    ...open.map((r) => (r.state === STATES.backingOff ? (r.backoffSeconds ?? limits.pollSeconds) : limits.pollSeconds)),
  );
};

/** The first calls of a repair: every changing region of the plan. */
const startRepair = (
  changes: readonly RegionPlan[],
  current: ReadonlyMap<string, ObservedReplica>,
  limits: Limits = LIMITS,
): { progress: Progress; operations: Operation[] } => {
  const starts: ReturnType<typeof startOf>[] = [];
  const regions = changes.map((change): RegionProgress => {
    const base = {
      region: change.region,
      action: change.action,
      statusBefore: change.statusBefore,
      force: change.force === true,
      attempts: 1,
      ...(change.targetKmsKeyId === undefined ? {} : { targetKmsKeyId: change.targetKmsKeyId }),
    };
    if (change.action === ACTIONS.prune) {
      if (current.has(change.region))
        starts.push({ region: change.region, remove: true, replicate: false, force: false });
      return { ...base, state: STATES.pruned, statusAfter: 'Removed', reason: change.reason };
    }
    starts.push(startOf(base, current.get(change.region)));
    return { ...base, state: STATES.replicating };
  });
  return {
    progress: {
      regions,
      checks: 0,
      settled: regions.every((r) => TERMINAL.has(r.state)),
      waitSeconds: waitOf(regions, limits),
    },
    operations: operationsFor(starts),
  };
};

const backoffAfter = (attempts: number, limits: Limits) =>
  limits.backoffSeconds[Math.min(attempts - 1, limits.backoffSeconds.length - 1)] ?? limits.pollSeconds;

/** One check: each open region moves on from what DescribeSecret says now. */
const checkRepair = (
  progress: Progress,
  observed: ReadonlyMap<string, Observation>,
  primaryVersionId: string | undefined,
  limits: Limits = LIMITS,
): { progress: Progress; operations: Operation[] } => {
  const checks = progress.checks + 1;
  const starts: ReturnType<typeof startOf>[] = [];
  const step = (r: RegionProgress): RegionProgress => {
    if (TERMINAL.has(r.state)) return r;
    const current = observed.get(r.region);
    if (r.state === STATES.backingOff) {
      // The workflow waited the backoff before this check.
      starts.push(startOf(r, current));
      const { backoffSeconds: _waited, ...rest } = r;
      return { ...rest, attempts: r.attempts + 1, state: STATES.replicating };
    }
    if (current?.status === 'InSync') {
      if (primaryVersionId !== undefined && current.currentVersionId === primaryVersionId) {
        return {
          ...r,
          state: STATES.repaired,
          statusAfter: 'InSync',
          versionId: primaryVersionId,
          reason: "InSync and serving the primary's AWSCURRENT",
        };
      }
      // Replicated but not (yet) serving the primary's AWSCURRENT: look again.
      return { ...r, statusAfter: 'InSync', reason: "InSync, not yet serving the primary's AWSCURRENT version" };
    }
    if (current?.status === 'InProgress') return { ...r, statusAfter: 'InProgress' };
    // Failed, or gone (AWS removes a replica that has no usable version).
    const failure = current === undefined ? FAILURE_CLASSES.transient : classify(current.statusMessage);
    const statusAfter = current === undefined ? 'Missing' : 'Failed';
    if (failure === FAILURE_CLASSES.transient && r.attempts < limits.maxAttempts) {
      const wait = backoffAfter(r.attempts, limits);
      return {
        ...r,
        state: STATES.backingOff,
        backoffSeconds: wait,
        statusAfter,
        class: failure,
        reason: `transient failure after attempt ${r.attempts}; again in ${wait} s`,
      };
    }
    return {
      ...r,
      state: STATES.failed,
      statusAfter,
      class: failure,
      reason:
        failure === FAILURE_CLASSES.transient
          ? `still failing after ${r.attempts} attempts`
          : `replication failed again (${failure})`,
    };
  };
  let regions = progress.regions.map(step);
  if (checks >= limits.maxChecks) {
    regions = regions.map((r) =>
      TERMINAL.has(r.state)
        ? r
        : {
            ...r,
            state: STATES.failed,
            reason: `not repaired after ${checks} checks (${r.statusAfter ?? 'no status'})`,
          },
    );
  }
  return {
    progress: {
      regions,
      checks,
      settled: regions.every((r) => TERMINAL.has(r.state)),
      waitSeconds: waitOf(regions, limits),
    },
    operations: operationsFor(starts),
  };
};

/** Marks regions whose call was refused (not a transient error) as failed: retrying the same call cannot help. */
const refuse = (progress: Progress, regions: readonly string[], reason: string, limits: Limits = LIMITS): Progress => {
  const refused = new Set(regions);
  const updated = progress.regions.map((r) =>
    // A prune counts as done before its call runs: a refused call undoes that.
    refused.has(r.region) && r.state !== STATES.failed && r.state !== STATES.repaired
      ? { ...r, state: STATES.failed, statusAfter: r.statusBefore, reason }
      : r,
  );
  return {
    ...progress,
    regions: updated,
    settled: updated.every((r) => TERMINAL.has(r.state)),
    waitSeconds: waitOf(updated, limits),
  };
};

export type { Limits, Observation, Operation, Progress, RegionProgress, RegionState };
export { checkRepair, LIMITS, refuse, STATES, startRepair };

// The repair plan of one secret: what to do in each region, from its replicas as DescribeSecret reports them and its
// policy (domain/policy.ts). Pure and total: every region gets exactly one action with a reason, and the plan never
//   - overwrites another secret (ForceOverwriteReplicaSecret) unless smcp:replica-overwrite is allow,
//   - falls back to the default key aws/secretsmanager for a KMS failure unless smcp:replica-kms-fallback is allow,
//   - removes a replica the secret's policy wants repaired, or one smcp:replicas does not list unless
//     smcp:replica-prune is allow,
//   - grows or prunes a secret without an smcp:replicas tag.
// (test/replicas/plan.property.test.ts checks these over random states and policies.)
import { classify, FAILURE_CLASSES, type FailureClass, isKmsClass } from './classify.ts';
import { DEFAULT_KMS_KEY, type ReplicaPolicy, sameKey, TAGS } from './policy.ts';

const ACTIONS = {
  /** In sync and as wanted. */
  none: 'none',
  /** InProgress: AWS is at it; the next scan looks again. */
  wait: 'wait',
  /** Name conflict, allowed: remove the failed replica, replicate with ForceOverwriteReplicaSecret. */
  overwrite: 'overwrite',
  /** KMS failure, or (prune allowed) a wrong key: remove, replicate with another key. */
  rekey: 'rekey',
  /** Transient failure: remove, replicate again with the same key (bounded attempts, backoff). */
  retry: 'retry',
  /** A region smcp:replicas lists and the secret is not in. */
  add: 'add',
  /** A region smcp:replicas does not list, prune allowed: remove it. */
  prune: 'prune',
  /** Policy forbids the repair or nothing can repair it: a human decides (SNS). */
  escalate: 'escalate',
  /** Drift that policy does not let us change (extra region, wrong key): reported only. */
  report: 'report',
} as const;

type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/** Actions that change the secret's replication (and so need the lock, and the approval when policy asks). */
const CHANGES: ReadonlySet<Action> = new Set([
  ACTIONS.overwrite,
  ACTIONS.rekey,
  ACTIONS.retry,
  ACTIONS.add,
  ACTIONS.prune,
]);
/** Changes that replicate (and so are waited for until InSync and verified). */
const REPLICATES: ReadonlySet<Action> = new Set([ACTIONS.overwrite, ACTIONS.rekey, ACTIONS.retry, ACTIONS.add]);

type ReplicaState = 'InSync' | 'Failed' | 'InProgress';

interface ObservedReplica {
  readonly region: string;
  readonly status: string;
  readonly kmsKeyId?: string;
  readonly statusMessage?: string;
}

interface RegionPlan {
  readonly region: string;
  /** As DescribeSecret said, or `Missing` for a region smcp:replicas wants. */
  readonly statusBefore: ReplicaState | 'Missing' | string;
  readonly kmsKeyId?: string;
  readonly class?: FailureClass;
  readonly action: Action;
  /** For replicating actions: the key to replicate with. */
  readonly targetKmsKeyId?: string;
  /** ForceOverwriteReplicaSecret: only a name conflict the overwrite tag allows. */
  readonly force?: boolean;
  readonly reason: string;
}

interface DriftReport {
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly wrongKey: readonly { region: string; kmsKeyId: string; desiredKmsKeyId: string }[];
  readonly invalidTag?: string;
}

interface Plan {
  readonly regions: readonly RegionPlan[];
  /** Only for secrets with an smcp:replicas tag (a malformed one included). */
  readonly drift?: DriftReport;
  /** Some region's action changes the replication. */
  readonly changes: boolean;
  /** Some region is escalated. */
  readonly escalations: boolean;
  readonly approval: ReplicaPolicy['approval'];
}

const keyOf = (replica: ObservedReplica) => replica.kmsKeyId ?? DEFAULT_KMS_KEY;

/** A failed replica's repair by class and policy. */
const repairOf = (replica: ObservedReplica, failure: FailureClass, policy: ReplicaPolicy): RegionPlan => {
  const base = {
    region: replica.region,
    statusBefore: replica.status,
    kmsKeyId: keyOf(replica),
    class: failure,
  };
  if (failure === FAILURE_CLASSES.nameConflict) {
    return policy.overwrite
      ? {
          ...base,
          action: ACTIONS.overwrite,
          targetKmsKeyId: keyOf(replica),
          force: true,
          reason: `another secret of this name exists in ${replica.region}; ${TAGS.overwrite}=allow lets it be overwritten`,
        }
      : {
          ...base,
          action: ACTIONS.escalate,
          reason: `another secret of this name exists in ${replica.region}; it is left alone without ${TAGS.overwrite}=allow`,
        };
  }
  if (isKmsClass(failure)) {
    const stageKey = policy.kmsKeys[replica.region];
    const candidates = [
      ...(stageKey === undefined
        ? []
        : [{ key: stageKey, why: `the stage's replicaKmsKeys key for ${replica.region}` }]),
      ...(policy.kmsFallback ? [{ key: DEFAULT_KMS_KEY, why: `the default key (${TAGS.kmsFallback}=allow)` }] : []),
    ].filter(({ key }) => !sameKey(key, keyOf(replica)));
    const [next] = candidates;
    if (next) {
      return {
        ...base,
        action: ACTIONS.rekey,
        targetKmsKeyId: next.key,
        reason: `KMS key ${keyOf(replica)} failed; replicate with ${next.why}`,
      };
    }
    return {
      ...base,
      action: ACTIONS.escalate,
      reason:
        stageKey === undefined && !policy.kmsFallback
          ? `KMS key ${keyOf(replica)} failed; no replicaKmsKeys key for ${replica.region} and no ${TAGS.kmsFallback}=allow`
          : `KMS key ${keyOf(replica)} failed and is already the key policy allows`,
    };
  }
  if (failure === FAILURE_CLASSES.regionNotEnabled) {
    return {
      ...base,
      action: ACTIONS.escalate,
      reason: `${replica.region} is not enabled for the account (opt-in Region)`,
    };
  }
  return {
    ...base,
    action: ACTIONS.retry,
    targetKmsKeyId: keyOf(replica),
    reason: 'transient failure: replicate again',
  };
};

const planReplicas = ({
  primaryRegion,
  replicas,
  policy,
}: {
  primaryRegion: string;
  replicas: readonly ObservedReplica[];
  policy: ReplicaPolicy;
}): Plan => {
  const { desired } = policy;
  const wanted = desired.kind === 'regions' ? new Map(desired.regions.map((d) => [d.region, d])) : undefined;
  const regions: RegionPlan[] = [];
  const extra: string[] = [];
  const wrongKey: { region: string; kmsKeyId: string; desiredKmsKeyId: string }[] = [];

  for (const replica of replicas) {
    if (replica.region === primaryRegion) continue;
    const unwanted = wanted !== undefined && !wanted.has(replica.region);
    if (unwanted) extra.push(replica.region);
    const base = { region: replica.region, statusBefore: replica.status, kmsKeyId: keyOf(replica) };
    if (unwanted && policy.prune && replica.status !== 'InProgress') {
      regions.push({ ...base, action: ACTIONS.prune, reason: `not in ${TAGS.replicas}; ${TAGS.prune}=allow` });
      continue;
    }
    if (replica.status === 'Failed') {
      regions.push(repairOf(replica, classify(replica.statusMessage), policy));
      continue;
    }
    if (replica.status !== 'InSync') {
      regions.push({ ...base, action: ACTIONS.wait, reason: `replication is ${replica.status}` });
      continue;
    }
    if (unwanted) {
      regions.push({
        ...base,
        action: ACTIONS.report,
        reason: `not in ${TAGS.replicas}; kept without ${TAGS.prune}=allow`,
      });
      continue;
    }
    const desiredKey = wanted?.get(replica.region)?.kmsKeyId;
    if (desiredKey !== undefined && !sameKey(desiredKey, keyOf(replica))) {
      wrongKey.push({ region: replica.region, kmsKeyId: keyOf(replica), desiredKmsKeyId: desiredKey });
      regions.push(
        policy.prune
          ? {
              ...base,
              action: ACTIONS.rekey,
              targetKmsKeyId: desiredKey,
              reason: `${TAGS.replicas} wants key ${desiredKey}; ${TAGS.prune}=allow`,
            }
          : {
              ...base,
              action: ACTIONS.report,
              reason: `${TAGS.replicas} wants key ${desiredKey}; kept without ${TAGS.prune}=allow`,
            },
      );
      continue;
    }
    regions.push({ ...base, action: ACTIONS.none, reason: 'in sync' });
  }

  const present = new Set(replicas.map((r) => r.region));
  const missing = [...(wanted?.values() ?? [])].filter((d) => !present.has(d.region));
  for (const d of missing) {
    const key = d.kmsKeyId ?? policy.kmsKeys[d.region];
    regions.push({
      region: d.region,
      statusBefore: 'Missing',
      action: ACTIONS.add,
      ...(key === undefined ? {} : { targetKmsKeyId: key }),
      reason: `listed in ${TAGS.replicas}`,
    });
  }

  const drift: DriftReport | undefined =
    desired.kind === 'none'
      ? undefined
      : desired.kind === 'invalid'
        ? { missing: [], extra: [], wrongKey: [], invalidTag: desired.reason }
        : { missing: missing.map((d) => d.region), extra, wrongKey };
  return {
    regions,
    ...(drift ? { drift } : {}),
    changes: regions.some((r) => CHANGES.has(r.action)),
    escalations: regions.some((r) => r.action === ACTIONS.escalate),
    approval: policy.approval,
  };
};

/** Whether a drift report found anything. */
const hasDrift = (drift: DriftReport | undefined): drift is DriftReport =>
  drift !== undefined &&
  (drift.missing.length > 0 || drift.extra.length > 0 || drift.wrongKey.length > 0 || drift.invalidTag !== undefined);

/** Whether a plan asks for anything at all (a change, an escalation, a wait or a report). */
const needsAttention = (plan: Plan) => plan.regions.some((r) => r.action !== ACTIONS.none) || hasDrift(plan.drift);

export type { Action, DriftReport, ObservedReplica, Plan, RegionPlan, ReplicaState };
export { ACTIONS, CHANGES, hasDrift, needsAttention, planReplicas, REPLICATES };

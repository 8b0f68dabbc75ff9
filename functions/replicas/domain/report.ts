// What a repair reports, from the plan, the progress and how the workflow got to its end: one row per region (the
// scan's output, the CLI's table), the regions repaired and the regions not repaired (the two outcome events), and the
// escalation people get by SNS. Pure.
import type { Outcome, RepairPlan, RepairProgress, ReplicaRow } from '../schemas.ts';
import { ACTIONS, CHANGES } from './plan.ts';
import { TAGS } from './policy.ts';

type Stopped = { readonly kind: 'rejected' | 'busy' | 'error'; readonly reason: string };

interface RepairState {
  readonly secretId: string;
  readonly name: string;
  readonly dryRun: boolean;
  readonly plan?: RepairPlan;
  readonly progress?: RepairProgress;
  readonly stopped?: Stopped;
}

const REASON_MAX = 400;
const cap = (text: string) => (text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text);

const OUTCOME_OF_ACTION: Readonly<Record<string, Outcome>> = {
  [ACTIONS.none]: 'in-sync',
  [ACTIONS.wait]: 'waiting',
  [ACTIONS.report]: 'reported',
  [ACTIONS.escalate]: 'escalated',
};

const rowsOf = (state: RepairState): ReplicaRow[] => {
  const { secretId, name, plan, progress, stopped, dryRun } = state;
  if (!plan) {
    // Nothing was looked at: the lock was held, or a step failed before the plan.
    return [
      {
        secretId,
        name,
        region: '*',
        statusBefore: '-',
        action: 'none',
        statusAfter: '-',
        outcome: stopped?.kind === 'busy' ? 'skipped' : 'error',
        reason: cap(stopped?.reason ?? 'the repair stopped before a plan was made'),
      },
    ];
  }
  if (!plan.found) {
    return [
      {
        secretId,
        name,
        region: '*',
        statusBefore: '-',
        action: 'none',
        statusAfter: '-',
        outcome: 'not-found',
        reason: 'the secret does not exist',
      },
    ];
  }
  return plan.regions.map((region): ReplicaRow => {
    const base = {
      secretId: plan.secretId,
      name: plan.name,
      region: region.region,
      statusBefore: region.statusBefore,
      action: region.action,
      ...(region.class === undefined ? {} : { class: region.class }),
    };
    const unchanged = (outcome: Outcome, reason: string): ReplicaRow => ({
      ...base,
      statusAfter: region.statusBefore,
      outcome,
      reason: cap(reason),
    });
    const fixed = OUTCOME_OF_ACTION[region.action];
    if (fixed !== undefined) return unchanged(fixed, region.reason);
    if (dryRun) return unchanged('planned', `dry run: ${region.reason}`);
    const done = progress?.regions.find((r) => r.region === region.region);
    if (done === undefined) {
      if (stopped?.kind === 'rejected') return unchanged('rejected', stopped.reason);
      return unchanged('failed', stopped?.reason ?? 'the repair did not start');
    }
    const outcome: Outcome = done.state === 'repaired' ? 'repaired' : done.state === 'pruned' ? 'pruned' : 'failed';
    return {
      ...base,
      ...(done.class === undefined ? {} : { class: done.class }),
      statusAfter: done.statusAfter ?? (outcome === 'failed' ? 'unknown' : region.statusBefore),
      outcome,
      reason: cap(done.reason ?? region.reason),
    };
  });
};

const REPAIRED: ReadonlySet<Outcome> = new Set(['repaired', 'pruned']);
const NOT_REPAIRED: ReadonlySet<Outcome> = new Set(['failed', 'escalated', 'rejected', 'error']);
/** What a human is told about by SNS: a rejection was a human's decision already. */
const ESCALATED: ReadonlySet<Outcome> = new Set(['failed', 'escalated', 'error']);

const outcomeOf = (row: ReplicaRow, progress: RepairProgress | undefined) => {
  const done = progress?.regions.find((r) => r.region === row.region);
  return {
    region: row.region,
    action: row.action,
    statusBefore: row.statusBefore,
    statusAfter: row.statusAfter,
    ...(row.class === undefined ? {} : { class: row.class }),
    ...(done?.targetKmsKeyId === undefined ? {} : { kmsKeyId: done.targetKmsKeyId }),
    ...(done?.versionId === undefined ? {} : { versionId: done.versionId }),
    ...(row.reason === undefined ? {} : { reason: row.reason }),
  };
};

/** What a human can do about each kind of failure. */
const ADVICE: Readonly<Record<string, string>> = {
  'name-conflict': `another secret holds the name in that region: remove or rename it, or tag the primary ${TAGS.overwrite}=allow to overwrite it`,
  'kms-key-missing': `the KMS key does not exist there: set the stage param replicaKmsKeys for the region, or tag ${TAGS.kmsFallback}=allow`,
  'kms-key-disabled': `the KMS key is disabled or pending deletion: enable it, set replicaKmsKeys for the region, or tag ${TAGS.kmsFallback}=allow`,
  'kms-key-denied': `grant kms:Decrypt on the primary's key and kms:GenerateDataKey + kms:Encrypt on the replica's key, or set replicaKmsKeys`,
  'region-not-enabled': 'enable the opt-in Region for the account (Account settings), then the next scan repairs it',
  transient: "replication kept failing: check the Region's health; the next scan tries again",
};

interface Escalation {
  readonly subject: string;
  readonly message: string;
}

const escalationOf = (
  state: RepairState,
  rows: readonly ReplicaRow[],
  executionName: string,
): Escalation | undefined => {
  if (state.dryRun) return undefined;
  const open = rows.filter((r) => ESCALATED.has(r.outcome));
  if (open.length === 0) return undefined;
  const name = state.plan?.name ?? state.name;
  const lines = open.map((r) => {
    const advice = r.class === undefined ? undefined : ADVICE[r.class];
    return `- ${r.region}: ${r.action} → ${r.outcome}${r.class ? ` (${r.class})` : ''}: ${r.reason ?? ''}${advice ? `\n  What to do: ${advice}` : ''}`;
  });
  return {
    subject: `[smcp] Replica repair needs a human: ${name}`,
    message: [
      `Replicas of ${name} could not be repaired automatically.`,
      `Secret: ${state.plan?.secretId ?? state.secretId}`,
      ...lines,
      `Execution: ${executionName}`,
    ].join('\n'),
  };
};

/**
 * What makes two escalations of a secret the same failure: the regions escalated, each with its class and outcome
 * (not the reason's wording, which names keys and versions that may move while the failure stays what it is).
 */
const escalationFingerprint = (rows: readonly ReplicaRow[]): string =>
  rows
    .filter((r) => ESCALATED.has(r.outcome))
    .map((r) => `${r.region}:${r.class ?? '-'}:${r.outcome}`)
    .sort()
    .join(',');

/**
 * Whether an escalation goes out: always when repeats are not held back (`repeatMs` 0), else unless the same failure
 * was sent less than `repeatMs` ago.
 */
const escalationDue = (
  last: { readonly fingerprint: string; readonly sentAt: string } | undefined,
  fingerprint: string,
  nowMs: number,
  repeatMs: number,
): boolean =>
  repeatMs <= 0 ||
  last === undefined ||
  last.fingerprint !== fingerprint ||
  nowMs - Date.parse(last.sentAt) >= repeatMs;

/** A one-line summary of what a plan changes, for the approval request. */
const summaryOf = (plan: Pick<RepairPlan, 'name' | 'regions'>): string => {
  const changes = plan.regions.filter((r) => CHANGES.has(r.action as never));
  const parts = changes.map((r) => `${r.action} ${r.region}${r.targetKmsKeyId ? ` (key ${r.targetKmsKeyId})` : ''}`);
  return `replicas of ${plan.name}: ${parts.join(', ') || 'nothing to change'}`.slice(0, 512);
};

export type { Escalation, RepairState, Stopped };
export {
  ESCALATED,
  escalationDue,
  escalationFingerprint,
  escalationOf,
  NOT_REPAIRED,
  outcomeOf,
  REPAIRED,
  rowsOf,
  summaryOf,
};

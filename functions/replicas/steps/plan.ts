// Plan The Repair: re-reads the secret (under the lock, unless this is a dry run: nothing the page step saw is trusted),
// plans each region by class and policy, and says so on the bus: `Replica Repair Planned` when something will change
// or be escalated, `Replica Drift Detected` when the replicas differ from smcp:replicas.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Replication } from '../adapters/replication.ts';
import { hasDrift, planReplicas } from '../domain/plan.ts';
import { policyOf } from '../domain/policy.ts';
import { summaryOf } from '../domain/report.ts';
import { ReplicaSecretNotFoundError } from '../errors.ts';
import type { PlanInput, RepairPlan, ReplicaDriftDetectedDetail, ReplicaRepairPlannedDetail } from '../schemas.ts';

interface PlanDeps {
  readonly replication: Pick<Replication, 'describe'>;
  readonly bus: EventPublisher;
  readonly logger: Logger;
  readonly region: string;
  readonly kmsKeys: () => Readonly<Record<string, string>>;
  readonly approvalDefault: string;
}

const createPlanStep =
  ({ replication, bus, logger, region, kmsKeys, approvalDefault }: PlanDeps) =>
  async ({ candidate, scan, executionName }: PlanInput): Promise<RepairPlan> => {
    let secret: Awaited<ReturnType<Replication['describe']>>;
    try {
      secret = await replication.describe(candidate.secretId);
    } catch (error) {
      if (!(error instanceof ReplicaSecretNotFoundError)) throw error;
      logger.info('Secret gone before its repair', { secretId: candidate.secretId });
      return {
        secretId: candidate.secretId,
        name: candidate.name,
        primaryRegion: region,
        dryRun: scan.dryRun,
        found: false,
        changes: false,
        approvalRequired: false,
        regions: [],
        summary: `replicas of ${candidate.name}: the secret does not exist`,
      };
    }
    const policy = policyOf(secret.tags, { primaryRegion: region, kmsKeys: kmsKeys(), approvalDefault });
    const planned = planReplicas({ primaryRegion: region, replicas: secret.replicas, policy });
    const drift = planned.drift && {
      missing: [...planned.drift.missing],
      extra: [...planned.drift.extra],
      wrongKey: planned.drift.wrongKey.map((w) => ({ ...w })),
      ...(planned.drift.invalidTag === undefined ? {} : { invalidTag: planned.drift.invalidTag }),
    };
    const plan: RepairPlan = {
      secretId: secret.arn,
      name: secret.name,
      primaryRegion: secret.primaryRegion ?? region,
      dryRun: scan.dryRun,
      found: true,
      changes: planned.changes && !scan.dryRun,
      approvalRequired: planned.changes && !scan.dryRun && planned.approval === 'required',
      regions: planned.regions.map((r) => ({ ...r })),
      ...(drift ? { drift } : {}),
      summary: summaryOf({ name: secret.name, regions: [...planned.regions] }),
    };
    if (planned.changes || planned.escalations) {
      const detail: ReplicaRepairPlannedDetail = {
        secretId: plan.secretId,
        name: plan.name,
        executionName,
        dryRun: scan.dryRun,
        approvalRequired: plan.approvalRequired,
        regions: plan.regions,
      };
      await bus.publish('Replica Repair Planned', detail, [plan.secretId]);
    }
    if (drift && hasDrift(drift)) {
      const detail: ReplicaDriftDetectedDetail = {
        secretId: plan.secretId,
        name: plan.name,
        executionName,
        dryRun: scan.dryRun,
        ...drift,
        pruneAllowed: policy.prune,
      };
      await bus.publish('Replica Drift Detected', detail, [plan.secretId]);
    }
    logger.info('Replica repair planned', {
      secretId: plan.secretId,
      dryRun: scan.dryRun,
      changes: plan.changes,
      approvalRequired: plan.approvalRequired,
      regions: plan.regions.map((r) => `${r.region}:${r.action}${r.class ? `(${r.class})` : ''}`),
    });
    return plan;
  };

export type { PlanDeps };
export { createPlanStep };

// Start The Repair and Check The Replicas: the calls that repair the plan's regions (remove, replicate), and each check
// of what DescribeSecret says until every region is repaired — InSync and serving the primary's AWSCURRENT version —,
// pruned or failed (domain/progress.ts decides; this only reads and calls). Both are safe to retry: each looks at the
// replicas as they are before it acts.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Replication } from '../adapters/replication.ts';
import type { ObservedReplica, RegionPlan } from '../domain/plan.ts';
import { CHANGES } from '../domain/plan.ts';
import {
  checkRepair,
  type Observation,
  type Operation,
  type Progress,
  refuse,
  startRepair,
} from '../domain/progress.ts';
import { ReplicationRefusedError } from '../errors.ts';
import type { CheckRepairInput, RepairProgress, StartRepairInput } from '../schemas.ts';

interface RepairDeps {
  readonly replication: Replication;
  readonly logger: Logger;
}

const createRepairSteps = ({ replication, logger }: RepairDeps) => {
  /** Runs the operations in order; a refused call fails its regions (retrying it cannot help), others go on. */
  const run = async (secretId: string, operations: readonly Operation[], progress: Progress): Promise<Progress> => {
    let result = progress;
    for (const operation of operations) {
      try {
        if (operation.kind === 'remove') await replication.remove(secretId, operation.regions);
        else await replication.replicate(secretId, operation.regions, operation.force);
      } catch (error) {
        if (!(error instanceof ReplicationRefusedError)) throw error;
        logger.warn('Replication call refused', { secretId, regions: error.regions, reason: error.message });
        result = refuse(result, error.regions, error.message);
      }
    }
    return result;
  };

  const observe = async (plan: StartRepairInput['plan']) => {
    const secret = await replication.describe(plan.secretId);
    return { secret, current: new Map<string, ObservedReplica>(secret.replicas.map((r) => [r.region, r])) };
  };

  const start = async ({ plan }: StartRepairInput): Promise<RepairProgress> => {
    const { current } = await observe(plan);
    const changes = plan.regions.filter((r) => CHANGES.has(r.action as never)) as RegionPlan[];
    const { progress, operations } = startRepair(changes, current);
    const done = await run(plan.secretId, operations, progress);
    logger.info('Replica repair started', {
      secretId: plan.secretId,
      operations: operations.map(
        (o) =>
          `${o.kind}:${'force' in o && o.force ? 'force:' : ''}${o.regions.map((r) => (typeof r === 'string' ? r : r.region)).join('+')}`,
      ),
    });
    return done as RepairProgress;
  };

  const check = async ({ plan, progress }: CheckRepairInput): Promise<RepairProgress> => {
    const { secret, current } = await observe(plan);
    // Which version each InSync replica serves: only for regions this repair still waits on.
    const waiting = progress.regions.filter(
      (r) => r.state === 'replicating' && current.get(r.region)?.status === 'InSync',
    );
    const observed = new Map<string, Observation>(current);
    for (const r of waiting) {
      const versionId = await replication.replicaCurrentVersion(secret.arn, r.region);
      const replica = current.get(r.region);
      if (replica) observed.set(r.region, { ...replica, ...(versionId ? { currentVersionId: versionId } : {}) });
    }
    const next = checkRepair(progress as Progress, observed, secret.currentVersionId);
    const done = await run(plan.secretId, next.operations, next.progress);
    logger.info('Replicas checked', {
      secretId: plan.secretId,
      check: done.checks,
      settled: done.settled,
      regions: done.regions.map((r) => `${r.region}:${r.state}`),
    });
    return done as RepairProgress;
  };

  return { start, check };
};

export type { RepairDeps };
export { createRepairSteps };

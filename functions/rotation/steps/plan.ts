// Plan Rotation: reads the secret's tags and labels and decides strategy, approval and the ids of this rotation.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Plan, planRotation } from '../domain/plan.ts';
import type { SecretLabels } from './secrets.ts';

interface PlanDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly approvalDefault: string;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
}

interface PlanRequest {
  readonly secretId: string;
  readonly executionArn: string;
  readonly detail: { readonly reason?: string; readonly requestedBy?: string; readonly requestId?: string };
}

const createPlanStep =
  ({ secrets, approvalDefault, knownStrategies, logger }: PlanDeps) =>
  async ({ secretId, executionArn, detail }: PlanRequest): Promise<Plan> => {
    const secret = await secrets.describe(secretId);
    const plan = planRotation({
      secretArn: secret.arn,
      tags: secret.tags,
      versions: secret.versions,
      approvalDefault,
      executionArn,
      knownStrategies,
      requestedBy: detail.requestedBy,
      reason: detail.reason,
      requestId: detail.requestId,
    });
    logger.info('Rotation planned', {
      secretId: plan.secretArn,
      enabled: plan.enabled,
      strategy: plan.strategy,
      approval: plan.approval,
      token: plan.token,
      priorVersionId: plan.priorVersionId,
    });
    return plan;
  };

export type { PlanDeps, PlanRequest };
export { createPlanStep };

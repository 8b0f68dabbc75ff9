// Plan Rotation: reads the secret's tags and labels and decides strategy, approval and the ids of this rotation.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretLabels } from '../adapters/secret-labels.ts';
import { type Plan, planRotation } from '../domain/plan.ts';
import type { PlanInput } from '../schemas.ts';

interface PlanDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly approvalDefault: string;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
}

const createPlanStep =
  ({ secrets, approvalDefault, knownStrategies, logger }: PlanDeps) =>
  async ({ secretId, executionArn, detail }: PlanInput): Promise<Plan> => {
    const secret = await secrets.describe(secretId);
    const plan = planRotation({
      secretArn: secret.arn,
      tags: secret.tags,
      versions: secret.versions,
      approvalDefault,
      executionArn,
      knownStrategies,
      requestedBy: detail.requestedBy,
      requestedByPrincipal: detail.requestedByPrincipal,
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

export type { PlanDeps };
export { createPlanStep };

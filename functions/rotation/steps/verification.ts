// Inspect Secret and Mark Roll Back, the verification's own steps (the test, the label moves and the target restore
// are the rotation's steps). Inspect decides whether this move of AWSCURRENT is smcp's to verify; Mark records the
// version a roll back moves away from, before it moves, so the verification of that roll back cannot undo it.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RotationExecutions } from '../adapters/rotation-executions.ts';
import type { SecretLabels } from '../adapters/secret-labels.ts';
import type { SecretTags } from '../adapters/secret-tags.ts';
import { type Inspection, inspectForVerification, ROLLED_BACK_FROM_TAG } from '../domain/verification.ts';
import type { InspectInput, MarkRollbackInput } from '../schemas.ts';

interface InspectDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly rotations: RotationExecutions;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
}

const epochOf = (time: string | undefined) => {
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

const createInspectStep =
  ({ secrets, rotations, knownStrategies, logger }: InspectDeps) =>
  async ({ secretArn, trigger, detail }: InspectInput): Promise<Inspection> => {
    const secret = await secrets.describe(secretArn);
    const inspection = inspectForVerification({
      secretArn: secret.arn,
      tags: secret.tags,
      versions: secret.versions,
      // `Secret Label Updated` names the version AWSCURRENT moved to; RotationSucceeded does not.
      movedTo: 'versionId' in detail ? detail.versionId : undefined,
      eventTime: epochOf(trigger.time),
      rotations: await rotations.recent(),
      knownStrategies,
    });
    logger.info('Verification inspected', { ...inspection });
    return inspection;
  };

const createMarkRollbackStep =
  ({ tags, logger }: { tags: SecretTags; logger: Logger }) =>
  async ({ secretId, fromVersionId }: MarkRollbackInput) => {
    await tags.tag(secretId, ROLLED_BACK_FROM_TAG, fromVersionId);
    logger.info('Roll back marked', { secretId, fromVersionId });
    return { secretId, rolledBackFrom: fromVersionId };
  };

export type { InspectDeps };
export { createInspectStep, createMarkRollbackStep };

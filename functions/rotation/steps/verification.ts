// Inspect Secret and Mark Roll Back, the verification's own steps (the test, the label moves and the target restore
// are the rotation's steps). Inspect decides whether this move of AWSCURRENT is smcp's to verify; Mark records the
// version a roll back moves away from, before it moves, so the verification of that roll back cannot undo it.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Inspection, inspectForVerification, ROLLED_BACK_FROM_TAG } from '../domain/verification.ts';
import type { SecretLabels } from './secrets.ts';
import type { RotationExecutions, SecretTags } from './verification-adapters.ts';

interface InspectDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly rotations: RotationExecutions;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
}

interface InspectRequest {
  readonly secretArn: string;
  readonly trigger: { readonly time?: string | undefined };
  readonly detail: { readonly versionId?: string | undefined };
}

const epochOf = (time: string | undefined) => {
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

const createInspectStep =
  ({ secrets, rotations, knownStrategies, logger }: InspectDeps) =>
  async ({ secretArn, trigger, detail }: InspectRequest): Promise<Inspection> => {
    const secret = await secrets.describe(secretArn);
    const inspection = inspectForVerification({
      secretArn: secret.arn,
      tags: secret.tags,
      versions: secret.versions,
      movedTo: detail.versionId,
      eventTime: epochOf(trigger.time),
      rotations: await rotations.recent(),
      knownStrategies,
    });
    logger.info('Verification inspected', { ...inspection });
    return inspection;
  };

const createMarkRollbackStep =
  ({ tags, logger }: { tags: SecretTags; logger: Logger }) =>
  async ({ secretId, fromVersionId }: { secretId: string; fromVersionId: string }) => {
    await tags.tag(secretId, ROLLED_BACK_FROM_TAG, fromVersionId);
    logger.info('Roll back marked', { secretId, fromVersionId });
    return { secretId, rolledBackFrom: fromVersionId };
  };

export type { InspectDeps, InspectRequest };
export { createInspectStep, createMarkRollbackStep };

// Label steps: Promote Pending To Current, Discard Pending Version, Roll Back To Previous. Each re-reads the labels and
// makes only the moves still missing, so a retry after a partial success finishes the job instead of failing.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretLabels } from '../adapters/secret-labels.ts';
import { discardMoves, promotionMoves, rollbackMoves, type StageMove } from '../domain/labels.ts';
import { LabelStateError } from '../errors.ts';
import type { LabelsInput } from '../schemas.ts';

const createLabelStep =
  ({ secrets, logger }: { secrets: SecretLabels; logger: Logger }) =>
  async ({ secretId, token, operation, priorVersionId }: LabelsInput) => {
    const { versions } = await secrets.describe(secretId);
    let moves: StageMove[];
    if (operation === 'promote') moves = promotionMoves(versions, token);
    else if (operation === 'discardPending') moves = discardMoves(versions, token);
    else {
      if (!priorVersionId) throw new LabelStateError('A roll back needs the version from before the rotation');
      moves = rollbackMoves(versions, token, priorVersionId);
    }
    // One at a time, in order: promotion moves AWSCURRENT before it takes AWSPENDING off.
    for (const move of moves) await secrets.move(secretId, move);
    logger.info('Labels moved', { operation, secretId, token, moves });
    return { secretId, token, done: operation, moves: moves.length };
  };

export { createLabelStep };

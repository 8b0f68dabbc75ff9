// Which staging-label moves a step needs, computed from VersionIdsToStages. Pure, so each step can re-read the labels,
// ask again and do only what is left: running a step twice changes nothing more.
import { LabelStateError, PendingVersionMissingError } from '../errors.ts';

const Stage = { current: 'AWSCURRENT', pending: 'AWSPENDING', previous: 'AWSPREVIOUS' } as const;

type Versions = Readonly<Record<string, readonly string[]>>;

/** One UpdateSecretVersionStage call. */
interface StageMove {
  readonly stage: string;
  readonly moveTo?: string;
  readonly removeFrom?: string;
}

const holderOf = (versions: Versions, stage: string) =>
  Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];

const hasStage = (versions: Versions, versionId: string, stage: string) =>
  versions[versionId]?.includes(stage) ?? false;

/** AWSCURRENT to the token (the old holder becomes AWSPREVIOUS, as Secrets Manager does), then AWSPENDING off it. */
const promotionMoves = (versions: Versions, token: string): StageMove[] => {
  if (!versions[token]) throw new PendingVersionMissingError(`The secret has no version ${token} to promote`);
  const current = holderOf(versions, Stage.current);
  const moves: StageMove[] = [];
  if (current !== token) {
    moves.push({ stage: Stage.current, moveTo: token, ...(current ? { removeFrom: current } : {}) });
  }
  if (hasStage(versions, token, Stage.pending)) moves.push({ stage: Stage.pending, removeFrom: token });
  return moves;
};

/** AWSPENDING off the token; the version itself stays (deprecated), so nothing is lost. */
const discardMoves = (versions: Versions, token: string): StageMove[] =>
  hasStage(versions, token, Stage.pending) ? [{ stage: Stage.pending, removeFrom: token }] : [];

/**
 * AWSCURRENT back to the version that held it before the rotation (AWSPREVIOUS after a promotion); the token then
 * holds AWSPREVIOUS. Refuses when AWSCURRENT has moved somewhere else meanwhile: that is not ours to undo.
 */
const rollbackMoves = (versions: Versions, token: string, priorVersionId: string): StageMove[] => {
  if (!versions[priorVersionId]) {
    throw new LabelStateError(`The version ${priorVersionId} to roll back to no longer exists`);
  }
  const current = holderOf(versions, Stage.current);
  const moves: StageMove[] = [];
  if (current === token) {
    moves.push({ stage: Stage.current, moveTo: priorVersionId, removeFrom: token });
  } else if (current !== priorVersionId) {
    throw new LabelStateError(
      `AWSCURRENT is on version ${current ?? 'none'}, neither this rotation's nor the one before it; not rolling back`,
    );
  }
  return [...moves, ...discardMoves(versions, token)];
};

export type { StageMove, Versions };
export { discardMoves, holderOf, promotionMoves, rollbackMoves, Stage };

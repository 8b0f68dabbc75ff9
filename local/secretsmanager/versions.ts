// Version ids and staging labels, as Secrets Manager keeps them: a label sits on at most one version, a new
// AWSCURRENT pushes the old one to AWSPREVIOUS, and versions without labels are deprecated and pruned past the limit.
import { invalidParameter, resourceExists } from './errors.ts';
import type { SecretRecord, VersionRecord } from './state.ts';

const Stage = { current: 'AWSCURRENT', previous: 'AWSPREVIOUS', pending: 'AWSPENDING' } as const;

// AWS keeps about 100 versions; it prunes deprecated ones, but never one created in the last 24 hours.
const MAX_VERSIONS = 100;
const PRUNE_MIN_AGE_MS = 24 * 60 * 60 * 1000;

interface SecretValue {
  readonly secretString?: string;
  readonly secretBinary?: string;
}

const byId = (secret: SecretRecord, versionId: string) => secret.versions.find((v) => v.versionId === versionId);
// A loop, not find() with a closure: every read picks its version here.
const byStage = (secret: SecretRecord, stage: string): VersionRecord | undefined => {
  for (const version of secret.versions) if (version.stages.includes(stage)) return version;
  return undefined;
};
const hasValue = (v: VersionRecord) => v.secretString !== undefined || v.secretBinary !== undefined;
const sameValue = (v: VersionRecord, value: SecretValue) =>
  v.secretString === value.secretString && v.secretBinary === value.secretBinary;

const detach = (secret: SecretRecord, stage: string) => {
  for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== stage);
};

/**
 * ClientRequestToken idempotency: the token is the version id. Same token and same value is a no-op that returns
 * the existing version; same token and another value is refused. A rotation's AWSPENDING stub (no value yet) is
 * the one version a token may fill in.
 */
const checkToken = (
  secret: SecretRecord,
  arn: string,
  token: string,
  value: SecretValue,
): 'new' | 'fill' | 'repeat' => {
  const existing = byId(secret, token);
  if (!existing) return 'new';
  if (!hasValue(existing)) return 'fill';
  if (sameValue(existing, value)) return 'repeat';
  throw resourceExists(
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
  );
};

interface StageChange {
  /** Set when AWSCURRENT moved from one version to another (the "Secret Label Updated" event). */
  readonly currentMovedTo?: string;
}

/** Attaches stages to a version, detaching them elsewhere; AWSCURRENT's old holder becomes AWSPREVIOUS. */
const attach = (secret: SecretRecord, version: VersionRecord, stages: readonly string[]): StageChange => {
  let currentMovedTo: string | undefined;
  for (const stage of stages) {
    if (version.stages.includes(stage)) continue;
    const holder = byStage(secret, stage);
    detach(secret, stage);
    if (stage === Stage.current && holder) {
      detach(secret, Stage.previous);
      holder.stages.push(Stage.previous);
      version.stages = version.stages.filter((s) => s !== Stage.previous);
      currentMovedTo = version.versionId;
    }
    version.stages.push(stage);
  }
  return currentMovedTo ? { currentMovedTo } : {};
};

const prune = (secret: SecretRecord, now: Date) => {
  let excess = secret.versions.length - MAX_VERSIONS;
  if (excess <= 0) return;
  secret.versions = secret.versions.filter((v) => {
    const old = now.getTime() - Date.parse(v.createdDate) >= PRUNE_MIN_AGE_MS;
    if (excess > 0 && v.stages.length === 0 && old) {
      excess -= 1;
      return false;
    }
    return true;
  });
};

/** Stores a value under a version id (new, or the AWSPENDING stub being filled) and attaches its stages. */
const putVersion = (
  secret: SecretRecord,
  versionId: string,
  value: SecretValue,
  stages: readonly string[],
  now: Date,
): StageChange => {
  let version = byId(secret, versionId);
  if (!version) {
    version = { versionId, stages: [], createdDate: now.toISOString() };
    secret.versions.push(version);
  }
  if (value.secretString !== undefined) version.secretString = value.secretString;
  if (value.secretBinary !== undefined) version.secretBinary = value.secretBinary;
  // The first version of a secret is always AWSCURRENT, whatever stages the caller asked for.
  const effective = byStage(secret, Stage.current) ? stages : [...new Set([...stages, Stage.current])];
  const change = attach(secret, version, effective);
  prune(secret, now);
  return change;
};

/** UpdateSecretVersionStage. */
const moveStage = (
  secret: SecretRecord,
  stage: string,
  removeFrom: string | undefined,
  moveTo: string | undefined,
): StageChange => {
  const holder = byStage(secret, stage);
  if (removeFrom !== undefined && !byId(secret, removeFrom))
    throw invalidParameter(`Not a valid version: ${removeFrom}`);
  if (moveTo !== undefined && !byId(secret, moveTo)) throw invalidParameter(`Not a valid version: ${moveTo}`);
  if (holder && moveTo !== undefined && holder.versionId !== moveTo && holder.versionId !== removeFrom) {
    throw invalidParameter(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  if (removeFrom !== undefined && holder?.versionId !== removeFrom) {
    throw invalidParameter(`Version stage ${stage} not found in version ${removeFrom}`);
  }
  if (stage === Stage.current && moveTo === undefined) {
    // The secret would be left without a current value.
    throw invalidParameter(
      `You can't remove the staging label ${Stage.current} from a version without attaching it to another version (MoveToVersionId).`,
    );
  }
  if (moveTo === undefined) {
    detach(secret, stage);
    return {};
  }
  const target = byId(secret, moveTo);
  return target ? attach(secret, target, [stage]) : {};
};

export type { SecretValue, StageChange };
export { byId, byStage, checkToken, hasValue, MAX_VERSIONS, moveStage, putVersion, Stage };

// What every strategy does with versions and labels: the token guard, the idempotent createPending, and which
// version a revert or roll back restores.
import { PendingVersionMissingError, SecretNotFoundError, StrategyConfigError } from '../errors.ts';
import type { RotationContext, SecretJson, StageName, VersionIdsToStages } from './types.ts';
import { Stage } from './types.ts';

const DEFAULT_POLICY = { length: 32 } as const;

const holderOf = (versions: VersionIdsToStages, stage: string) =>
  Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];

/** Guards the steps after createPending: the token must name a version of this secret. */
const requireToken = (ctx: RotationContext, versions: VersionIdsToStages): readonly string[] => {
  const stages = versions[ctx.token];
  if (!stages) {
    throw new PendingVersionMissingError(`Secret ${ctx.secretId} has no version ${ctx.token}; run createPending first`);
  }
  return stages;
};

/** A version's value by id; a version without a value (a rotation stub) counts as missing. */
const readVersion = async (ctx: RotationContext, versionId: string): Promise<SecretJson> => {
  try {
    return await ctx.secrets.getValue(ctx.secretId, { versionId });
  } catch (error) {
    if (!(error instanceof SecretNotFoundError) || versionId !== ctx.token) throw error;
    throw new PendingVersionMissingError(`Version ${versionId} of secret ${ctx.secretId} has no value yet`, {
      cause: error,
    });
  }
};

/**
 * Stores `build(current)` under the token as AWSPENDING, unless that is done: the token already holds a value (a
 * retry after a crash) or is already AWSCURRENT (the rotation went further).
 */
const createPendingWith = async (ctx: RotationContext, build: (current: SecretJson) => Promise<SecretJson>) => {
  const versions = await ctx.secrets.describeVersions(ctx.secretId);
  const stages = versions[ctx.token];
  if (stages?.includes(Stage.current)) return;
  if (stages && !stages.includes(Stage.pending)) {
    throw new PendingVersionMissingError(
      `Version ${ctx.token} of secret ${ctx.secretId} exists but is not AWSPENDING (stages: ${stages.join(', ') || 'none'})`,
    );
  }
  if (stages) {
    try {
      await ctx.secrets.getValue(ctx.secretId, { versionId: ctx.token, stage: Stage.pending });
      return;
    } catch (error) {
      // A stub without a value (as RotateSecret leaves one): fill it in below.
      if (!(error instanceof SecretNotFoundError)) throw error;
    }
  }
  const current = await ctx.secrets.getValue(ctx.secretId, { stage: Stage.current });
  await ctx.secrets.putPending(ctx.secretId, ctx.token, await build(current));
};

/** A fresh password under the context's policy. */
const newPassword = (ctx: RotationContext) => ctx.secrets.getRandomPassword(ctx.passwordPolicy ?? DEFAULT_POLICY);

/**
 * The version a testSecret call means: AWSPENDING is the token's version by id, so a retry after promotion still
 * tests the same credentials. Undefined when no version holds the label.
 */
const versionFor = async (ctx: RotationContext, stage: StageName): Promise<string | undefined> => {
  const versions = await ctx.secrets.describeVersions(ctx.secretId);
  if (stage === Stage.pending) {
    requireToken(ctx, versions);
    return ctx.token;
  }
  return holderOf(versions, stage);
};

/**
 * The version whose credentials were live before this rotation: AWSCURRENT, unless AWSCURRENT is already the token
 * (promoted), then AWSPREVIOUS. So revert (before promotion) and roll back (after promotion, before or after the
 * label moved back) restore the same version, and a repeat restores it again.
 */
const priorVersion = (ctx: RotationContext, versions: VersionIdsToStages): string => {
  const current = holderOf(versions, Stage.current);
  const prior = current === ctx.token ? holderOf(versions, Stage.previous) : current;
  if (!prior) throw new StrategyConfigError(`Secret ${ctx.secretId} has no version from before this rotation`);
  return prior;
};

/** The other versions worth trying as a login to change the target: the token's, AWSCURRENT's, AWSPREVIOUS's. */
const loginCandidates = (ctx: RotationContext, versions: VersionIdsToStages, except: string): string[] =>
  [...new Set([ctx.token, holderOf(versions, Stage.current), holderOf(versions, Stage.previous)])].filter(
    (id): id is string => id !== undefined && id !== except && versions[id] !== undefined,
  );

/** A required string field, named (never shown) in the error. */
const stringField = (value: SecretJson, field: string, where: string): string => {
  const found = value[field];
  if (typeof found !== 'string' || found.length === 0) {
    throw new StrategyConfigError(`${where}: field "${field}" must be a non-empty string`);
  }
  return found;
};

/**
 * The AWSCURRENT value of a secret that a field of the rotated secret names (a master secret, a signing key): its id
 * is a field's value, so errors say `where` (which field of which secret) and drop the adapter's error, which names it.
 */
const referencedSecret = async (ctx: RotationContext, secretId: string, where: string): Promise<SecretJson> => {
  try {
    return await ctx.secrets.getValue(secretId, { stage: Stage.current });
  } catch (error) {
    if (error instanceof SecretNotFoundError) throw new StrategyConfigError(`${where} does not exist`);
    if (error instanceof StrategyConfigError) throw new StrategyConfigError(`${where} cannot be used (${error.name})`);
    throw error;
  }
};

export {
  createPendingWith,
  holderOf,
  loginCandidates,
  newPassword,
  priorVersion,
  readVersion,
  referencedSecret,
  requireToken,
  stringField,
  versionFor,
};

// random-password: no external system. The secret's "password" field gets a new value; the rest of the JSON is kept.
// setSecret and testSecret only check that the value they would hand on exists and has the right shape.
import { StrategyConfigError } from '../errors.ts';
import type { RotationContext, RotationStrategy, SecretJson, StageName } from './types.ts';
import { createPendingWith, newPassword, readVersion, requireToken, versionFor } from './versions.ts';

const hasPassword = (value: SecretJson) => typeof value.password === 'string' && value.password.length > 0;

const createPending = (ctx: RotationContext) =>
  createPendingWith(ctx, async (current) => ({ ...current, password: await newPassword(ctx) }));

const setSecret = async (ctx: RotationContext) => {
  requireToken(ctx, await ctx.secrets.describeVersions(ctx.secretId));
  if (!hasPassword(await readVersion(ctx, ctx.token))) {
    throw new StrategyConfigError(`Version ${ctx.token} of secret ${ctx.secretId} has no "password" string`);
  }
};

const testSecret = async (ctx: RotationContext, stage: StageName) => {
  const versionId = await versionFor(ctx, stage);
  if (!versionId) return { ok: false, reason: `secret has no ${stage} version` };
  return hasPassword(await readVersion(ctx, versionId))
    ? { ok: true }
    : { ok: false, reason: `${stage} has no "password" string` };
};

// Nothing outside Secrets Manager holds the value: moving labels is the whole undo.
const nothingToUndo = async (_ctx: RotationContext) => {};

const randomPassword: RotationStrategy = {
  name: 'random-password',
  createPending,
  setSecret,
  testSecret,
  revertTarget: nothingToUndo,
  rollbackTarget: nothingToUndo,
};

export { randomPassword };

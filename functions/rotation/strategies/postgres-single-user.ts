// postgres-single-user: one role whose password changes in place, logged in as that role itself.
// Secret: { engine: 'postgres', host, port, username, password, dbname }.
import { CredentialsRejectedError, StrategyConfigError } from '../errors.ts';
import { canLogIn, loginVerdict, type PgCredentials, parsePostgresSecret, withSession } from './postgres-connection.ts';
import { passwordLiteral } from './postgres-password.ts';
import type { RotationContext, RotationStrategy, StageName } from './types.ts';
import {
  createPendingWith,
  loginCandidates,
  newPassword,
  priorVersion,
  readVersion,
  requireToken,
  versionFor,
} from './versions.ts';

const credentialsOf = async (ctx: RotationContext, versionId: string) =>
  parsePostgresSecret(await readVersion(ctx, versionId), `Secret ${ctx.secretId} version ${versionId}`);

/**
 * Makes the role's password the one in `desiredId`: nothing to do when it already logs in (a repeat changes
 * nothing); otherwise log in with each candidate version in turn and ALTER ROLE with the first that is accepted.
 */
const ensurePassword = async (ctx: RotationContext, desiredId: string, candidateIds: readonly string[]) => {
  const desired = await credentialsOf(ctx, desiredId);
  if (await canLogIn(ctx, desired)) return;
  for (const candidateId of candidateIds) {
    const login = await credentialsOf(ctx, candidateId);
    sameTarget(ctx, login, desired);
    try {
      await withSession(ctx, login, (client) =>
        client.query(
          `ALTER ROLE ${client.escapeIdentifier(desired.username)} WITH PASSWORD ${passwordLiteral(client, desired.password)}`,
        ),
      );
      return;
    } catch (error) {
      if (!(error instanceof CredentialsRejectedError)) throw error;
    }
  }
  throw new CredentialsRejectedError(
    `No version of secret ${ctx.secretId} can log in as the role of version ${desiredId} to change its password`,
  );
};

// Changing another role's password, or a role on another server, would be a misconfiguration, not a rotation.
const sameTarget = (ctx: RotationContext, a: PgCredentials, b: PgCredentials) => {
  if (a.username !== b.username || a.host !== b.host || a.port !== b.port) {
    throw new StrategyConfigError(`The versions of secret ${ctx.secretId} name different roles or servers`);
  }
};

const createPending = (ctx: RotationContext) =>
  createPendingWith(ctx, async (current) => ({ ...current, password: await newPassword(ctx) }));

const setSecret = async (ctx: RotationContext) => {
  const versions = await ctx.secrets.describeVersions(ctx.secretId);
  requireToken(ctx, versions);
  await ensurePassword(ctx, ctx.token, loginCandidates(ctx, versions, ctx.token));
};

const testSecret = async (ctx: RotationContext, stage: StageName) => {
  const versionId = await versionFor(ctx, stage);
  if (!versionId) return { ok: false, reason: `secret has no ${stage} version` };
  return loginVerdict(ctx, await credentialsOf(ctx, versionId), stage);
};

/** Back to the credentials from before this rotation (see priorVersion), before or after promotion. */
const restorePrior = async (ctx: RotationContext) => {
  const versions = await ctx.secrets.describeVersions(ctx.secretId);
  requireToken(ctx, versions);
  const prior = priorVersion(ctx, versions);
  await ensurePassword(ctx, prior, loginCandidates(ctx, versions, prior));
};

const postgresSingleUser: RotationStrategy = {
  name: 'postgres-single-user',
  createPending,
  setSecret,
  testSecret,
  revertTarget: restorePrior,
  rollbackTarget: restorePrior,
};

export { postgresSingleUser };

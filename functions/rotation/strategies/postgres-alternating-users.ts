// postgres-alternating-users, as AWS's multi-user template: each rotation switches the secret between the role
// `<base>` and its clone `<base>_clone`, changing only the role that is not in use. The credentials AWSCURRENT holds
// stay valid throughout, so a roll back is a label move (rollbackTarget has nothing to do).
// Secret: { engine: 'postgres', host, port, username, password, dbname, masterarn }; the master secret (a role with
// CREATEROLE) holds { username, password } and is used on the rotated secret's host, port and database.
//
// The clone gets the base role's privileges by membership (GRANT <base> TO <clone>, INHERIT by default), kept
// simple as AWS does: objects the clone creates belong to the clone, so let a group role own shared objects.
import { StrategyConfigError } from '../errors.ts';
import { canLogIn, loginVerdict, parsePostgresSecret, withSession } from './postgres-connection.ts';
import { passwordLiteral } from './postgres-password.ts';
import type { RotationContext, RotationStrategy, StageName } from './types.ts';
import {
  createPendingWith,
  newPassword,
  readVersion,
  referencedSecret,
  requireToken,
  stringField,
  versionFor,
} from './versions.ts';

const SUFFIX = '_clone';
// PostgreSQL truncates identifiers past 63 bytes: a longer clone name would silently name another role.
const MAX_ROLE_BYTES = 63;

const baseOf = (username: string) => (username.endsWith(SUFFIX) ? username.slice(0, -SUFFIX.length) : username);

const nextUsername = (username: string, secretId: string) => {
  const next = username.endsWith(SUFFIX) ? baseOf(username) : `${username}${SUFFIX}`;
  if (Buffer.byteLength(next) > MAX_ROLE_BYTES) {
    // The name is the secret's username field (with or without the suffix): never quoted.
    throw new StrategyConfigError(`Secret ${secretId}: the other role's name would exceed ${MAX_ROLE_BYTES} bytes`);
  }
  return next;
};

const createPending = (ctx: RotationContext) =>
  createPendingWith(ctx, async (current) => {
    const where = `Secret ${ctx.secretId} (AWSCURRENT)`;
    stringField(current, 'masterarn', where);
    return {
      ...current,
      username: nextUsername(stringField(current, 'username', where), ctx.secretId),
      password: await newPassword(ctx),
    };
  });

const setSecret = async (ctx: RotationContext) => {
  requireToken(ctx, await ctx.secrets.describeVersions(ctx.secretId));
  const value = await readVersion(ctx, ctx.token);
  const where = `Secret ${ctx.secretId} version ${ctx.token}`;
  const pending = parsePostgresSecret(value, where);
  // Already done (a retry): the pending role logs in with the pending password.
  if (await canLogIn(ctx, pending)) return;

  const masterId = stringField(value, 'masterarn', where);
  // masterarn is a field of the secret: errors name the field, not its value.
  const masterWhere = `the master secret (field "masterarn") of ${where}`;
  const masterValue = await referencedSecret(ctx, masterId, masterWhere);
  const master = {
    ...pending,
    where: masterWhere,
    username: stringField(masterValue, 'username', masterWhere),
    password: stringField(masterValue, 'password', masterWhere),
  };
  const base = baseOf(pending.username);
  await withSession(ctx, master, async (client) => {
    const role = client.escapeIdentifier(pending.username);
    const password = passwordLiteral(client, pending.password);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username]);
    await client.query(
      exists.rowCount
        ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${password}`
        : `CREATE ROLE ${role} WITH LOGIN PASSWORD ${password}`,
    );
    if (pending.username === base) return;
    const member = await client.query('SELECT pg_has_role($1, $2, $3) AS member', [pending.username, base, 'MEMBER']);
    if (!member.rows[0]?.member) await client.query(`GRANT ${client.escapeIdentifier(base)} TO ${role}`);
  });
};

const testSecret = async (ctx: RotationContext, stage: StageName) => {
  const versionId = await versionFor(ctx, stage);
  if (!versionId) return { ok: false, reason: `secret has no ${stage} version` };
  const creds = parsePostgresSecret(await readVersion(ctx, versionId), `Secret ${ctx.secretId} version ${versionId}`);
  return loginVerdict(ctx, creds, stage);
};

// setSecret never touches the role AWSCURRENT names, so before promotion there is nothing to put back, and after
// promotion the old role still logs in: moving AWSCURRENT back is the whole roll back. (The role setSecret changed
// keeps its new password; whichever version held it before is now stale, as with AWS's template.)
const nothingToRestore = async (_ctx: RotationContext) => {};

const postgresAlternatingUsers: RotationStrategy = {
  name: 'postgres-alternating-users',
  createPending,
  setSecret,
  testSecret,
  revertTarget: nothingToRestore,
  rollbackTarget: nothingToRestore,
};

export { postgresAlternatingUsers };

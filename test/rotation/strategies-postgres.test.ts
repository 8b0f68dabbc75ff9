// postgres-single-user and postgres-alternating-users against a real throwaway PostgreSQL cluster, with the local
// Secrets Manager emulator over HTTP and the real SDK. Logins really fail: host connections use scram-sha-256.
import { inspect } from 'node:util';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CredentialsRejectedError,
  StrategyConfigError,
  TargetUnreachableError,
} from '../../functions/rotation/errors.ts';
import { postgresAlternatingUsers } from '../../functions/rotation/strategies/postgres-alternating-users.ts';
import { postgresSingleUser } from '../../functions/rotation/strategies/postgres-single-user.ts';
import { createSecretStore } from '../../functions/rotation/strategies/secrets-adapter.ts';
import type { RotationContext } from '../../functions/rotation/strategies/types.ts';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { freePort, type Postgres, startPostgres } from '../support/postgres.ts';
import { createStrategyKit } from '../support/strategy-kit.ts';

// Quotes and a backslash: the escaping must hold for owner-chosen passwords too.
const CANARY = `canary'"\\-${crypto.randomUUID()}`;

let db: Postgres;
let harness: Harness;
let consoleOutput: string[];
let roleCount = 0;

const sm = () => harness.client();
const { secretValues, reset, expectNoValues, caught, stagesOf, holderOf, promote } = createStrategyKit(sm);

const valueAt = async (secretId: string, stage: string) => {
  const out = await sm().send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  const value = JSON.parse(out.SecretString ?? '{}') as Record<string, string>;
  if (value.password) secretValues.push(value.password);
  return value;
};

const contextFor = (secretId: string, token: string = crypto.randomUUID()): RotationContext => ({
  secrets: createSecretStore({ client: sm() }),
  secretId,
  token,
  passwordPolicy: { length: 32 },
});

const logsIn = async (user: string, password: string) => {
  const client = new pg.Client({ host: db.host, port: db.port, user, password, database: db.database });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false;
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
};

const storedVerifier = async (role: string) =>
  (await db.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).rows[0]
    ?.rolpassword;

/** A login role with `password`, and a secret describing it. */
const createRoleSecret = async (password = CANARY, extra: Record<string, unknown> = {}) => {
  roleCount += 1;
  const username = `app_user_${roleCount}`;
  await db.query(`CREATE ROLE ${username} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  const name = `pg/${username}`;
  const value = {
    engine: 'postgres',
    host: db.host,
    port: db.port,
    username,
    password,
    dbname: db.database,
    note: CANARY,
    ...extra,
  };
  await sm().send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  return { secretId: name, username };
};

// Kept and rethrown by every test: a missing server must count as failed tests in CI's report, not as skipped ones
// (a failing beforeAll leaves its tests "skipped").
let startupError: unknown;

beforeAll(async () => {
  harness = await startSecretsManager();
  try {
    db = await startPostgres();
  } catch (error) {
    startupError = error;
  }
});

afterAll(async () => {
  await Promise.all([db?.stop(), harness?.close()]);
});

beforeEach(() => {
  if (startupError) throw startupError;
  reset([CANARY]);
  consoleOutput = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 20 })).join(' '));
    });
  }
});

afterEach(async () => {
  vi.restoreAllMocks();
  if (startupError) return;
  expectNoValues(consoleOutput.join('\n'));
  // CANARY and the roles' first passwords were set by the tests themselves in clear text: look for generated ones.
  const generated = secretValues.filter((v) => !v.includes(CANARY) && !v.startsWith('first-'));
  const log = await db.serverLog();
  for (const value of generated) {
    expect(log).not.toContain(value);
    // As a SQL literal the value may appear only escaped (quotes and backslashes doubled).
    expect(log).not.toContain(pg.escapeLiteral(value).replace(/^ ?E?'|'$/g, ''));
  }
});

describe('postgres-single-user', () => {
  it('rotates the password through createPending, setSecret, testSecret and promotion', async () => {
    const { secretId, username } = await createRoleSecret();
    const ctx = contextFor(secretId);

    await postgresSingleUser.createPending(ctx);
    await postgresSingleUser.setSecret(ctx);
    const pendingVerdict = await postgresSingleUser.testSecret(ctx, 'AWSPENDING');
    await promote(secretId, ctx.token);
    const currentVerdict = await postgresSingleUser.testSecret(ctx, 'AWSCURRENT');

    const current = await valueAt(secretId, 'AWSCURRENT');
    expect(pendingVerdict).toEqual({ ok: true });
    expect(currentVerdict).toEqual({ ok: true });
    expect(current).toMatchObject({ username, note: CANARY, password: expect.not.stringContaining(CANARY) });
    expect(await logsIn(username, current.password ?? '')).toBe(true);
    expect(await logsIn(username, CANARY)).toBe(false);
    // Sent as a SCRAM verifier: the server never saw the new password itself.
    expect(await storedVerifier(username)).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  it('changes nothing more when every step runs twice', async () => {
    const { secretId, username } = await createRoleSecret();
    const ctx = contextFor(secretId);

    await postgresSingleUser.createPending(ctx);
    const stagesOnce = await stagesOf(secretId);
    const pendingOnce = await valueAt(secretId, 'AWSPENDING');
    await postgresSingleUser.createPending(ctx);
    await postgresSingleUser.setSecret(ctx);
    const verifierOnce = await storedVerifier(username);
    await postgresSingleUser.setSecret(ctx);
    const tests = [
      await postgresSingleUser.testSecret(ctx, 'AWSPENDING'),
      await postgresSingleUser.testSecret(ctx, 'AWSPENDING'),
    ];

    expect(await stagesOf(secretId)).toEqual(stagesOnce);
    expect(await valueAt(secretId, 'AWSPENDING')).toEqual(pendingOnce);
    expect(await storedVerifier(username)).toBe(verifierOnce);
    expect(tests).toEqual([{ ok: true }, { ok: true }]);
  });

  it('reports wrong credentials as a failed test, not an error', async () => {
    const { secretId, username } = await createRoleSecret();
    const ctx = contextFor(secretId);
    // A pending version that was never set on the database.
    await postgresSingleUser.createPending(ctx);
    await valueAt(secretId, 'AWSPENDING');

    const verdict = await postgresSingleUser.testSecret(ctx, 'AWSPENDING');

    expect(verdict).toEqual({
      ok: false,
      reason: 'PostgreSQL rejected the credentials of AWSPENDING',
    });
    // The role is a field of the secret: no message names it (nor the host, the port or the database).
    expect(JSON.stringify(verdict)).not.toContain(username);
    expectNoValues(JSON.stringify(verdict));
    expect(await postgresSingleUser.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
  });

  it('throws TargetUnreachableError when nothing listens on the port', async () => {
    const port = await freePort();
    const secretId = 'pg/unreachable';
    const value = { engine: 'postgres', host: '127.0.0.1', port, username: 'nobody', password: CANARY, dbname: 'app' };
    await sm().send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(value) }));
    const ctx = contextFor(secretId);
    await postgresSingleUser.createPending(ctx);
    await valueAt(secretId, 'AWSPENDING');

    const setError = await caught(() => postgresSingleUser.setSecret(ctx));
    const testError = await caught(() => postgresSingleUser.testSecret(ctx, 'AWSPENDING'));

    expect(setError).toBeInstanceOf(TargetUnreachableError);
    expect(setError.message).toMatch(
      new RegExp(
        `^the PostgreSQL target of Secret ${secretId} version [0-9a-f-]{36} is unreachable \\(ECONNREFUSED\\)$`,
      ),
    );
    expect(setError.message).not.toContain(String(port));
    expect(testError).toBeInstanceOf(TargetUnreachableError);
  });

  it('throws CredentialsRejectedError when no version of the secret can log in', async () => {
    const { secretId, username } = await createRoleSecret();
    await db.query(`ALTER ROLE ${username} PASSWORD 'first-changed-behind-our-back'`);
    const ctx = contextFor(secretId);
    await postgresSingleUser.createPending(ctx);
    await valueAt(secretId, 'AWSPENDING');

    const error = await caught(() => postgresSingleUser.setSecret(ctx));

    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error.message).toBe(
      `No version of secret ${secretId} can log in as the role of version ${ctx.token} to change its password`,
    );
  });

  it('revertTarget puts the current password back before promotion, once', async () => {
    const { secretId, username } = await createRoleSecret();
    const ctx = contextFor(secretId);
    await postgresSingleUser.createPending(ctx);
    await postgresSingleUser.setSecret(ctx);
    const pending = await valueAt(secretId, 'AWSPENDING');

    await postgresSingleUser.revertTarget(ctx);
    const verifierOnce = await storedVerifier(username);
    await postgresSingleUser.revertTarget(ctx);

    expect(await logsIn(username, CANARY)).toBe(true);
    expect(await logsIn(username, pending.password ?? '')).toBe(false);
    expect(await storedVerifier(username)).toBe(verifierOnce);
    expect(await postgresSingleUser.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
  });

  it('rollbackTarget restores AWSPREVIOUS after promotion, before and after the label moves back', async () => {
    const { secretId, username } = await createRoleSecret();
    const ctx = contextFor(secretId);
    const previousId = await holderOf(secretId, 'AWSCURRENT');
    await postgresSingleUser.createPending(ctx);
    await postgresSingleUser.setSecret(ctx);
    await promote(secretId, ctx.token);
    const promoted = await valueAt(secretId, 'AWSCURRENT');

    await postgresSingleUser.rollbackTarget(ctx);
    const verifierOnce = await storedVerifier(username);
    await sm().send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: previousId,
        RemoveFromVersionId: ctx.token,
      }),
    );
    await postgresSingleUser.rollbackTarget(ctx);

    expect(await logsIn(username, CANARY)).toBe(true);
    expect(await logsIn(username, promoted.password ?? '')).toBe(false);
    expect(await storedVerifier(username)).toBe(verifierOnce);
    expect(await postgresSingleUser.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
  });

  it('restores a non-ASCII password (sent as escaped text, not a verifier)', async () => {
    const password = `first-pässwörd-'quoted'-\\-${crypto.randomUUID()}`;
    const { secretId, username } = await createRoleSecret(password);
    const ctx = contextFor(secretId);
    await postgresSingleUser.createPending(ctx);
    await postgresSingleUser.setSecret(ctx);

    await postgresSingleUser.revertTarget(ctx);

    expect(await logsIn(username, password)).toBe(true);
  });

  it('refuses a pending version that names another role', async () => {
    const { secretId } = await createRoleSecret();
    const other = await createRoleSecret();
    const ctx = contextFor(secretId);
    const current = await valueAt(secretId, 'AWSCURRENT');
    await sm().send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: ctx.token,
        SecretString: JSON.stringify({
          ...current,
          username: other.username,
          password: `first-${crypto.randomUUID()}`,
        }),
        VersionStages: ['AWSPENDING'],
      }),
    );

    const error = await caught(() => postgresSingleUser.setSecret(ctx));

    expect(error).toBeInstanceOf(StrategyConfigError);
    expect(await logsIn(other.username, CANARY)).toBe(true);
  });
});

describe('postgres-alternating-users', () => {
  const base = 'svc_reader';
  let secretId: string;

  beforeAll(async () => {
    if (startupError) return;
    // A rotator with CREATEROLE, not a superuser; ADMIN OPTION on the base role lets it grant that role (PG 16+).
    const masterPassword = `first-master-${crypto.randomUUID()}`;
    await db.query(`CREATE ROLE rotator LOGIN CREATEROLE PASSWORD ${pg.escapeLiteral(masterPassword)}`);
    await db.query(`CREATE ROLE ${base} LOGIN PASSWORD ${pg.escapeLiteral(CANARY)}`);
    await db.query(`GRANT ${base} TO rotator WITH ADMIN OPTION`);
    await db.query('CREATE TABLE widgets (name text)');
    await db.query("INSERT INTO widgets VALUES ('sprocket')");
    await db.query(`GRANT SELECT ON widgets TO ${base}`);
    await sm().send(
      new CreateSecretCommand({
        Name: 'pg/master',
        SecretString: JSON.stringify({ username: 'rotator', password: masterPassword }),
      }),
    );
    secretId = 'pg/alternating';
    const value = {
      engine: 'postgres',
      host: db.host,
      port: db.port,
      username: base,
      password: CANARY,
      dbname: db.database,
      masterarn: 'pg/master',
    };
    await sm().send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(value) }));
  });

  const selectWidgets = async (user: string, password: string) => {
    const client = new pg.Client({ host: db.host, port: db.port, user, password, database: db.database });
    await client.connect();
    try {
      return (await client.query('SELECT name FROM widgets')).rows;
    } finally {
      await client.end();
    }
  };

  it('creates the clone with the base role grants and keeps the old credentials valid', async () => {
    const ctx = contextFor(secretId);

    await postgresAlternatingUsers.createPending(ctx);
    await postgresAlternatingUsers.setSecret(ctx);
    const verdict = await postgresAlternatingUsers.testSecret(ctx, 'AWSPENDING');
    await promote(secretId, ctx.token);

    const current = await valueAt(secretId, 'AWSCURRENT');
    const previous = await valueAt(secretId, 'AWSPREVIOUS');
    expect(verdict).toEqual({ ok: true });
    expect(current.username).toBe(`${base}_clone`);
    expect(current.masterarn).toBe('pg/master');
    expect(await selectWidgets(current.username ?? '', current.password ?? '')).toEqual([{ name: 'sprocket' }]);
    expect(previous).toMatchObject({ username: base, password: CANARY });
    expect(await postgresAlternatingUsers.testSecret(ctx, 'AWSPREVIOUS')).toEqual({ ok: true });
  });

  it('switches back to the base role on the next rotation, twice-run steps changing nothing more', async () => {
    const ctx = contextFor(secretId);

    await postgresAlternatingUsers.createPending(ctx);
    const pendingOnce = await valueAt(secretId, 'AWSPENDING');
    await postgresAlternatingUsers.createPending(ctx);
    await postgresAlternatingUsers.setSecret(ctx);
    const verifierOnce = await storedVerifier(base);
    await postgresAlternatingUsers.setSecret(ctx);

    expect(await valueAt(secretId, 'AWSPENDING')).toEqual(pendingOnce);
    expect(pendingOnce.username).toBe(base);
    expect(await storedVerifier(base)).toBe(verifierOnce);
    // The clone, AWSCURRENT's role, was not touched.
    expect(await postgresAlternatingUsers.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
    expect(await postgresAlternatingUsers.testSecret(ctx, 'AWSPENDING')).toEqual({ ok: true });
    await promote(secretId, ctx.token);
    expect(await selectWidgets(base, pendingOnce.password ?? '')).toEqual([{ name: 'sprocket' }]);
  });

  it('rolls back by moving the label alone', async () => {
    const ctx = contextFor(secretId);
    await postgresAlternatingUsers.createPending(ctx);
    await postgresAlternatingUsers.setSecret(ctx);
    const before = await holderOf(secretId, 'AWSCURRENT');
    await promote(secretId, ctx.token);

    await postgresAlternatingUsers.rollbackTarget(ctx);
    await sm().send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: before,
        RemoveFromVersionId: ctx.token,
      }),
    );

    expect(await postgresAlternatingUsers.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
    expect(await postgresAlternatingUsers.testSecret(ctx, 'AWSPREVIOUS')).toEqual({ ok: true });
  });

  it('throws CredentialsRejectedError when the master secret is wrong', async () => {
    await sm().send(
      new CreateSecretCommand({
        Name: 'pg/bad-master',
        SecretString: JSON.stringify({ username: 'rotator', password: CANARY }),
      }),
    );
    const current = await valueAt(secretId, 'AWSCURRENT');
    const id = 'pg/alternating-bad-master';
    await sm().send(
      new CreateSecretCommand({ Name: id, SecretString: JSON.stringify({ ...current, masterarn: 'pg/bad-master' }) }),
    );
    const ctx = contextFor(id);
    await postgresAlternatingUsers.createPending(ctx);
    await valueAt(id, 'AWSPENDING');

    const error = await caught(() => postgresAlternatingUsers.setSecret(ctx));

    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error.message).toMatch(
      new RegExp(
        `^PostgreSQL rejected the credentials of the master secret \\(field "masterarn"\\) of Secret ${id} version [0-9a-f-]{36}$`,
      ),
    );
    // Neither the master's role nor the master secret's id (a field of the rotated secret) is named.
    expect(error.message).not.toMatch(/rotator|pg\/bad-master/);
  });
});

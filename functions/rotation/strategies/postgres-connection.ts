// Sessions against a PostgreSQL target: the secret's shape, one short-lived connection per step, and pg's errors
// translated into the rotation errors (by SQLSTATE and socket error code, never by echoing the server's text).
// No field of the secret — host, port, dbname, username, password, any other — goes into an error message or an error's
// cause: the server's own text names the role ("password authentication failed for user …") and the host, and an
// error's message travels into the execution history, the rotation's outcome event and its notification. Errors name
// the secret and version instead (`where`), which say exactly as much to whoever can read the secret.
// pg is imported when the first session opens, not with this module: the functions that bundle the strategies (Create
// Pending Version, the target steps, Diagnose Failure) evaluate it only when a step talks to PostgreSQL.
import type { Client } from 'pg';
import { CredentialsRejectedError, StrategyConfigError, TargetUnreachableError } from '../errors.ts';
import type { RotationContext, SecretJson, TestResult } from './types.ts';
import { stringField } from './versions.ts';

interface PgCredentials {
  /** Which secret and version these are, for messages (`Secret <id> version <id>`): never a field's value. */
  readonly where: string;
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
}

const DEFAULTS = { port: 5432, dbname: 'postgres', connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 } as const;

// Authentication failures: invalid_password, invalid_authorization_specification.
const REJECTED = new Set(['28P01', '28000']);
// Class 08 (connection exception), server shutting down or starting, too many connections.
const TRANSIENT_SQLSTATE = /^(08|57P0[1-3]|53300)/;
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';

const parsePostgresSecret = (value: SecretJson, where: string): PgCredentials => {
  if (value.engine !== undefined && value.engine !== 'postgres') {
    throw new StrategyConfigError(`${where}: engine must be "postgres"`);
  }
  const port = value.port === undefined ? DEFAULTS.port : Number(value.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StrategyConfigError(`${where}: field "port" must be a TCP port`);
  }
  return {
    where,
    host: stringField(value, 'host', where),
    port,
    dbname: typeof value.dbname === 'string' && value.dbname ? value.dbname : DEFAULTS.dbname,
    username: stringField(value, 'username', where),
    password: stringField(value, 'password', where),
  };
};

/** An error of the rotation area for pg's `error`; the original is dropped, not attached as a cause (see above). */
const translate = (error: unknown, creds: PgCredentials) => {
  const code = codeOf(error);
  const target = `the PostgreSQL target of ${creds.where}`;
  if (REJECTED.has(code)) return new CredentialsRejectedError(`PostgreSQL rejected the credentials of ${creds.where}`);
  if (code === '3D000') return new StrategyConfigError(`PostgreSQL has no database named "dbname" in ${creds.where}`);
  if (code === '42501') {
    return new StrategyConfigError(`The role of ${creds.where} lacks a privilege the rotation needs (SQLSTATE 42501)`);
  }
  const message = error instanceof Error ? error.message : '';
  // pg's own connection timeout and a dropped socket carry no code, only these texts.
  if (NETWORK.has(code) || TRANSIENT_SQLSTATE.test(code) || /timeout|Connection terminated/i.test(message)) {
    return new TargetUnreachableError(`${target} is unreachable (${code || 'no response'})`);
  }
  // Anything else the server said (a role that does not exist, a syntax error): its SQLSTATE only.
  return new StrategyConfigError(`${target} refused a rotation statement (${code ? `SQLSTATE ${code}` : 'no code'})`);
};

/** Runs `work` in a session logged in with `creds`; the connection is closed whatever happens. */
const withSession = async <T>(
  ctx: RotationContext,
  creds: PgCredentials,
  work: (client: Client) => Promise<T>,
): Promise<T> => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: creds.host,
    port: creds.port,
    database: creds.dbname,
    user: creds.username,
    password: creds.password,
    ssl: ctx.postgres?.ssl,
    connectionTimeoutMillis: ctx.postgres?.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    statement_timeout: DEFAULTS.statementTimeoutMs,
    application_name: 'smcp-rotation',
  });
  // A socket error after connect would otherwise be an unhandled 'error' event; the pending query rejects anyway.
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    throw translate(error, creds);
  } finally {
    await client.end().catch(() => {});
  }
};

/** Whether the target accepts the credentials; throws when it cannot tell (unreachable, misconfigured). */
const canLogIn = async (ctx: RotationContext, creds: PgCredentials): Promise<boolean> => {
  try {
    await withSession(ctx, creds, (client) => client.query('SELECT 1'));
    return true;
  } catch (error) {
    if (error instanceof CredentialsRejectedError) return false;
    throw error;
  }
};

const loginVerdict = async (ctx: RotationContext, creds: PgCredentials, label: string): Promise<TestResult> =>
  (await canLogIn(ctx, creds))
    ? { ok: true }
    : { ok: false, reason: `PostgreSQL rejected the credentials of ${label}` };

export type { PgCredentials };
export { canLogIn, loginVerdict, parsePostgresSecret, withSession };

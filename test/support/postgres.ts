// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, listen on 127.0.0.1 on a free port, a superuser
// smcp_admin with a password, an `app` database, scram-sha-256 for every TCP login (so wrong passwords are really
// refused), every statement logged. Missing binaries fail loudly: a rotation suite that silently skips its database is worse than none.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const ADMIN = 'smcp_admin';
const DATABASE = 'app';
const ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory (SMCP_PG_BIN overrides). */
const findBinaries = (): string => {
  const override = process.env.SMCP_PG_BIN;
  const candidates = override
    ? [override]
    : existsSync(ROOT)
      ? readdirSync(ROOT)
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join(ROOT, version, 'bin'))
      : [];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found under ${override ?? `${ROOT}/*/bin`}. ` +
        'The rotation tests need a real server: apt-get install -y postgresql (or set SMCP_PG_BIN).',
    );
  }
  return found;
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

// initdb refuses to run as root: run the server tools as the postgres account then.
const asOwner = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

interface Postgres {
  readonly host: string;
  readonly port: number;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly database: string;
  /** Runs SQL as smcp_admin in the app database. */
  /** The server's log; every statement is logged (log_statement = all), so tests can look for leaked values. */
  serverLog(): Promise<string>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

const startPostgres = async (): Promise<Postgres> => {
  const bin = findBinaries();
  const owner = await asOwner();
  const tool = (name: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);
  const dir = await mkdtemp(join(tmpdir(), 'smcp-pg-'));
  const data = join(dir, 'data');
  const adminPassword = `admin-${crypto.randomUUID()}`;
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${adminPassword}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  const port = await freePort();
  try {
    await tool('initdb', [
      '-D',
      data,
      '-U',
      ADMIN,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await tool('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-o',
      `-k ${dir} -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off -c synchronous_commit=off -c log_statement=all`,
      'start',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Could not start PostgreSQL from ${bin}`, { cause: error });
  }

  const connect = async (database: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password: adminPassword, database });
    await client.connect();
    return client;
  };
  const stopServer = async () => {
    await tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  let admin: pg.Client;
  try {
    const setup = await connect('postgres');
    await setup.query(`CREATE DATABASE ${DATABASE}`);
    await setup.end();
    admin = await connect(DATABASE);
  } catch (error) {
    await stopServer();
    throw error;
  }

  return {
    host: '127.0.0.1',
    port,
    adminUser: ADMIN,
    adminPassword,
    database: DATABASE,
    query: (sql, params) => admin.query(sql, params),
    serverLog: () => readFile(join(dir, 'server.log'), 'utf8'),
    stop: async () => {
      await admin.end().catch(() => {});
      await stopServer();
    },
  };
};

export type { Postgres };
export { findBinaries, freePort, startPostgres };

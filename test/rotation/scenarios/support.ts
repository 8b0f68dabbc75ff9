// The scenario harness: a local cloud with a manual clock and a real PostgreSQL, recorded events replayed verbatim
// through the bus, every log line, bus event, execution history and notification captured, and the invariants that
// must hold after every scenario.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { expect, vi } from 'vitest';
import type { BusEvent } from '../../../local/eventbridge/bus.ts';
import { inProcess, loadScenario, replayScenario } from '../../../local/replay/engine.ts';
import { type SettledExecution, settle } from '../../../local/settle.ts';
import { expectNoSecretValues as expectSaidNothingOf } from '../../support/leaks.ts';
import { startTestCloud, type TestCloud } from '../../support/local-cloud.ts';
import { type Postgres, startPostgres } from '../../support/postgres.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const RECORDED = join(ROOT, 'events/recorded');

/** Planted as the first password and in a field of every scenario secret: it must never leave Secrets Manager. */
const CANARY_MARK = crypto.randomUUID();
const CANARY = `canary'"\\-${CANARY_MARK}`;

interface OwnEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

interface Harness extends TestCloud {
  readonly db: Postgres;
  /** Every line handlers wrote (Powertools logs go to stdout). */
  readonly output: string[];
  /** Every event that reached the bus: service events, replayed recordings and PutEvents entries. */
  readonly busEvents: BusEvent[];
  /** Those of busEvents that came through the PutEvents API (handlers, Step Functions tasks). */
  readonly viaPutEvents: ReadonlySet<BusEvent>;
  /** Values that must not appear anywhere: the canary and every password a scenario saw. */
  readonly secretValues: Set<string>;
  /** Secrets Manager for the test's own setup and checks: it retries, so injected faults do not fail the test. */
  readonly sm: SecretsManagerClient;
  stop(): Promise<void>;
}

const startHarness = async (options: { faults?: string; slackWebhookUrl?: string } = {}): Promise<Harness> => {
  const output: string[] = [];
  const capture = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  const db = await startPostgres();
  const test = await startTestCloud({
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
  });
  const busEvents: BusEvent[] = [];
  const viaPutEvents = new Set<BusEvent>();
  test.cloud.bus.tap((event, via) => {
    busEvents.push(event);
    if (via === 'PutEvents') viaPutEvents.add(event);
  });
  const sm = new SecretsManagerClient({
    endpoint: test.cloud.url,
    region: 'us-east-1',
    maxAttempts: 20,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    ...test,
    db,
    output,
    busEvents,
    viaPutEvents,
    sm,
    secretValues: new Set([CANARY, CANARY_MARK]),
    async stop() {
      await test.cloud.stop();
      await db.stop();
      vi.restoreAllMocks();
    },
  };
};

let roleCount = 0;

/** A PostgreSQL login role whose password is the canary, and a postgres-single-user secret describing it. */
const createPostgresSecret = async (
  h: Harness,
  name: string,
  { approval = 'none', port = h.db.port }: { approval?: string; port?: number } = {},
) => {
  roleCount += 1;
  const username = `rot_user_${roleCount}`;
  await h.db.query(`CREATE ROLE ${username} LOGIN PASSWORD ${pg.escapeLiteral(CANARY)}`);
  const value = { engine: 'postgres', host: h.db.host, port, username, password: CANARY, dbname: h.db.database };
  const out = await h.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ ...value, note: CANARY }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'postgres-single-user' },
        { Key: 'smcp:approval', Value: approval },
      ],
    }),
  );
  return { arn: out.ARN ?? name, versionId: out.VersionId ?? '', username };
};

const createRandomPasswordSecret = async (h: Harness, name: string, { approval = 'none' } = {}) => {
  const out = await h.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: 'svc', password: CANARY, note: CANARY }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: approval },
      ],
    }),
  );
  return { arn: out.ARN ?? name, versionId: out.VersionId ?? '' };
};

const scenarioPath = (scenario: string) => join(RECORDED, scenario);

/** Replays a scenario (its recorded events on the bus verbatim, ids kept) until nothing can progress; its rotations. */
const replay = async (h: Harness, scenario: string): Promise<SettledExecution[]> => {
  const recorded = loadScenario([scenarioPath(scenario)]);
  const ids = new Set(recorded.events.map(({ event }) => event.id));
  const run = await replayScenario(inProcess(h.cloud), recorded);
  return run.executions.filter((e) => e.workflow === 'rotation' && ids.has(e.name));
};

/** The rotation executions a scenario's events started (execution name = event id), after settling. */
const executionsOf = async (h: Harness, scenario: string): Promise<SettledExecution[]> => {
  const ids = new Set(loadScenario([scenarioPath(scenario)]).events.map(({ event }) => event.id));
  const settled = await settle(h.cloud);
  return settled.filter((e) => e.workflow === 'rotation' && ids.has(e.name));
};

const statesEntered = (execution: SettledExecution | undefined): string[] =>
  (execution?.history ?? [])
    .filter((e) => String(e.type).endsWith('StateEntered'))
    .map((e) => String((e.stateEnteredEventDetails as { name?: string } | undefined)?.name));

/** The path an execution took and the errors it met, for assertion messages. */
const summary = (execution: SettledExecution | undefined): string =>
  execution
    ? [
        `${execution.name}: ${execution.status}`,
        ...execution.history.flatMap((e) => {
          const type = String(e.type);
          if (type.endsWith('StateEntered'))
            return [`  → ${String((e.stateEnteredEventDetails as { name?: string }).name)}`];
          if (type.endsWith('Failed')) return [`    ✗ ${JSON.stringify(Object.values(e).at(-1)).slice(0, 300)}`];
          return [];
        }),
      ].join('\n')
    : 'no execution';

/** The `smcp` events the workflow put on the bus (through PutEvents) for one secret. */
const ownEvents = (h: Harness, secretArn: string): OwnEvent[] =>
  h.busEvents
    .filter((event) => h.viaPutEvents.has(event) && event.source === 'smcp')
    .map((event) => ({ detailType: event['detail-type'], detail: event.detail as Record<string, unknown> }))
    .filter(({ detail }) => detail.secretId === secretArn);

const stagesOf = async (h: Harness, secretId: string) =>
  (await h.sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};

const readSecret = async (h: Harness, secretId: string, stage = 'AWSCURRENT') => {
  const out = await h.sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  const value = JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>;
  if (typeof value.password === 'string') h.secretValues.add(value.password);
  return { versionId: out.VersionId ?? '', value };
};

const logsIn = async (value: Record<string, unknown>): Promise<boolean> => {
  const client = new pg.Client({
    host: String(value.host),
    port: Number(value.port),
    user: String(value.username),
    password: String(value.password),
    database: String(value.dbname),
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => {});
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

/**
 * After every scenario: exactly one AWSCURRENT, whose credentials work on the target; no AWSPENDING unless a rotation
 * still runs; every version from before still there.
 */
const expectInvariants = async (
  h: Harness,
  secretId: string,
  { versionsBefore, rotationRunning = false }: { versionsBefore: readonly string[]; rotationRunning?: boolean },
) => {
  const stages = await stagesOf(h, secretId);
  const holders = (stage: string) => Object.entries(stages).filter(([, s]) => s.includes(stage));
  expect(holders('AWSCURRENT'), 'exactly one AWSCURRENT').toHaveLength(1);
  if (!rotationRunning) expect(holders('AWSPENDING'), 'no AWSPENDING left').toHaveLength(0);
  const listed = await h.sm.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true }));
  const all = (listed.Versions ?? []).map((v) => v.VersionId);
  for (const versionId of versionsBefore) expect(all, 'no version lost').toContain(versionId);
  const { value } = await readSecret(h, secretId);
  if (value.engine === 'postgres') expect(await logsIn(value), 'AWSCURRENT logs in to the target').toBe(true);
  else expect(typeof value.password === 'string' && value.password.length > 0).toBe(true);
  return stages;
};

/** No secret value anywhere the scenario said something (test/support/leaks.ts). */
const expectNoSecretValues = (h: Harness) => expectSaidNothingOf(h, h.secretValues);

/**
 * Makes one step fail as the real one would (same error name), at the Lambda boundary: the test's stand-in for a
 * target that rejects credentials at just that moment. Returns the undo.
 */
const failStep = (
  h: Harness,
  match: (functionName: string, payload: Record<string, unknown>) => boolean,
  error: { name: string; message: string },
): (() => void) =>
  h.cloud.lambda.hook(async (name, payload, next) => {
    if (match(name, (payload ?? {}) as Record<string, unknown>))
      throw Object.assign(new Error(error.message), { name: error.name });
    return next(payload);
  });

/** A TCP proxy in front of PostgreSQL that a test can cut (connections refused) and restore on the same port. */
const startCuttableProxy = async (targetPort: number) => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((client) => {
        const upstream = tcpConnect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server = listening;
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  return { port, cut, restore: listen, stop: cut };
};

export type { Harness, OwnEvent };
export {
  CANARY,
  createPostgresSecret,
  createRandomPasswordSecret,
  executionsOf,
  expectInvariants,
  expectNoSecretValues,
  failStep,
  logsIn,
  ownEvents,
  readSecret,
  replay,
  stagesOf,
  startCuttableProxy,
  startHarness,
  statesEntered,
  summary,
};

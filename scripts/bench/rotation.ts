// One full orchestrated rotation in the local cloud (no approval wait): wall time from the `Rotation Requested`
// event to the execution's end, and the state transitions it costs (Step Functions bills Standard workflows per
// transition; StateEntered events count them). random-password always; postgres-single-user when a PostgreSQL
// server can be started (test/support/postgres.ts).
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { createManualClock } from '../../local/clock.ts';
import { startLocalCloud } from '../../local/cloud.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { settle } from '../../local/settle.ts';
import { type Postgres, startPostgres } from '../../test/support/postgres.ts';
import { writeFigures } from './support.ts';

const RUNS = 20;

const requested = (secretId: string): BusEvent => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Rotation Requested',
  source: 'smcp',
  account: '000000000000',
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [],
  detail: { secretId, reason: 'benchmark', requestedBy: 'bench' },
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const main = async () => {
  const cloud = await startLocalCloud({ clock: createManualClock(new Date()), log: () => {} });
  // After the cloud set the stage's environment, before the first handler module loads its logger.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const sm = new SecretsManagerClient({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let db: Postgres | undefined;
  try {
    db = await startPostgres();
  } catch (error) {
    console.warn(`postgres-single-user skipped: ${(error as Error).message}`);
  }

  const measure = async (strategy: string, makeSecret: (i: number) => Promise<string>) => {
    const wallMs: number[] = [];
    const transitions: number[] = [];
    const historyEvents: number[] = [];
    const statuses: string[] = [];
    for (let i = -2; i < RUNS; i++) {
      const secretId = await makeSecret(i);
      const event = requested(secretId);
      const started = process.hrtime.bigint();
      cloud.bus?.publish(event);
      const [execution] = (await settle(cloud)).filter((e) => e.name === event.id);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (i < 0) continue; // warm-up: module loading, first connections
      wallMs.push(elapsed);
      statuses.push(execution?.status ?? 'MISSING');
      transitions.push(execution?.history.filter((e) => String(e.type).endsWith('StateEntered')).length ?? 0);
      historyEvents.push(execution?.history.length ?? 0);
    }
    const sorted = [...wallMs].sort((a, b) => a - b);
    return {
      strategy,
      runs: RUNS,
      statuses: [...new Set(statuses)],
      wallMs: {
        median: percentile(sorted, 0.5),
        p90: percentile(sorted, 0.9),
        min: sorted[0],
        max: sorted.at(-1),
      },
      stateTransitionsPerRotation: [...new Set(transitions)],
      historyEventsPerRotation: [...new Set(historyEvents)],
    };
  };

  const results = [
    await measure('random-password', async (i) => {
      const name = `bench/random-password/${i + 2}`;
      await sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({ username: 'svc', password: crypto.randomUUID() }),
          Tags: [
            { Key: 'smcp:strategy', Value: 'random-password' },
            { Key: 'smcp:approval', Value: 'none' },
          ],
        }),
      );
      return name;
    }),
  ];
  if (db) {
    const server = db;
    results.push(
      await measure('postgres-single-user', async (i) => {
        const username = `bench_user_${i + 2}`;
        const password = crypto.randomUUID();
        await server.query(`CREATE ROLE ${username} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
        const name = `bench/postgres/${i + 2}`;
        await sm.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: JSON.stringify({
              engine: 'postgres',
              host: server.host,
              port: server.port,
              username,
              password,
              dbname: server.database,
            }),
            Tags: [
              { Key: 'smcp:strategy', Value: 'postgres-single-user' },
              { Key: 'smcp:approval', Value: 'none' },
            ],
          }),
        );
        return name;
      }),
    );
  }
  await cloud.stop();
  await db?.stop();

  const figures = {
    what: 'One orchestrated rotation in the local cloud, no approval wait: event on the bus → execution closed',
    node: process.version,
    results,
  };
  const file = writeFigures('rotation', figures);
  console.log(JSON.stringify(figures, null, 2));
  console.log(`written to ${file}`);
};

export { main };

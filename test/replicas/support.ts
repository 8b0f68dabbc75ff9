// The replica scenarios' harness: a local cloud with a manual clock, each recorded scenario (events/recorded/replica-*)
// replayed with canaries planted in every field of every secret its setup creates, every log line, bus event,
// execution history and notification captured, and the invariants that must hold after every scenario.
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { expect, vi } from 'vitest';
import type { ReplicaRow } from '../../functions/replicas/schemas.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, loadScenario, replayScenario, type Scenario } from '../../local/replay/engine.ts';
import { type SettledExecution, settle } from '../../local/settle.ts';
import { expectNoSecretValues as expectSaidNothingOf } from '../support/leaks.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

const CANARY_MARK = crypto.randomUUID();
const CANARY = `canary'"\\-${CANARY_MARK}`;
/** Every field a secret value of ours has: each one holds the canary. */
const CANARY_VALUE = JSON.stringify({
  username: CANARY,
  password: CANARY,
  host: CANARY,
  port: CANARY,
  dbname: CANARY,
  engine: CANARY,
  note: CANARY,
});

interface Harness extends TestCloud {
  readonly output: string[];
  readonly busEvents: BusEvent[];
  readonly viaPutEvents: ReadonlySet<BusEvent>;
  /** Patient: the shared write quota may be on, and this is the test's own client. */
  readonly sm: (region?: string) => SecretsManagerClient;
  stop(): Promise<void>;
}

const startHarness = async (): Promise<Harness> => {
  const output: string[] = [];
  const capture = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  const test = await startTestCloud();
  const busEvents: BusEvent[] = [];
  const viaPutEvents = new Set<BusEvent>();
  test.cloud.bus.tap((event, via) => {
    busEvents.push(event);
    if (via === 'PutEvents') viaPutEvents.add(event);
  });
  const clients = new Map<string, SecretsManagerClient>();
  const sm = (region = 'us-east-1') => {
    let client = clients.get(region);
    if (!client) {
      client = new SecretsManagerClient({
        endpoint: test.cloud.url,
        region,
        maxAttempts: 20,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      clients.set(region, client);
    }
    return client;
  };
  return {
    ...test,
    output,
    busEvents,
    viaPutEvents,
    sm,
    async stop() {
      for (const client of clients.values()) client.destroy();
      await test.cloud.stop();
      vi.restoreAllMocks();
    },
  };
};

/** A recorded scenario with the canary as the value of every secret its setup creates. */
const scenarioWithCanaries = (name: string): Scenario => {
  const scenario = loadScenario([`${ROOT}events/recorded/${name}`]);
  return {
    ...scenario,
    setup: { ...scenario.setup, secrets: scenario.setup.secrets.map((s) => ({ ...s, SecretString: CANARY_VALUE })) },
  };
};

interface Snapshot {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly value: string;
  readonly stages: Record<string, string[]>;
  readonly versions: string[];
  readonly replicas: { region: string; status: string; kmsKeyId?: string }[];
}

/** A secret as its own region sees it: value, labels, every version id, replicas. */
const snapshotOf = async (h: Harness, name: string, region = 'us-east-1'): Promise<Snapshot | undefined> => {
  const described = await h
    .sm(region)
    .send(new DescribeSecretCommand({ SecretId: name }))
    .catch((error: unknown) => {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    });
  if (!described) return undefined;
  const value = await h.sm(region).send(new GetSecretValueCommand({ SecretId: name }));
  const versions = await h
    .sm(region)
    .send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
  return {
    region,
    name,
    arn: described.ARN ?? name,
    value: value.SecretString ?? '',
    stages: described.VersionIdsToStages ?? {},
    versions: (versions.Versions ?? []).map((v) => v.VersionId ?? '').sort(),
    replicas: (described.ReplicationStatus ?? []).map((r) => ({
      region: r.Region ?? '',
      status: r.Status ?? '',
      ...(r.KmsKeyId ? { kmsKeyId: r.KmsKeyId } : {}),
    })),
  };
};

/** Every secret a scenario's setup created, before anything ran, by `name@region`. */
const snapshotSetup = async (h: Harness, scenario: Scenario) => {
  const out = new Map<string, Snapshot>();
  for (const secret of scenario.setup.secrets) {
    const region = (secret as { Region?: string }).Region ?? 'us-east-1';
    const snapshot = await snapshotOf(h, secret.Name, region);
    if (snapshot) out.set(`${secret.Name}@${region}`, snapshot);
  }
  return out;
};

interface Replayed {
  readonly scenario: Scenario;
  readonly before: Map<string, Snapshot>;
  /** The executions the recorded events started (execution name = event id), in event order. */
  readonly executions: SettledExecution[];
  /** All executions the replay saw (service events the repair caused start some too). */
  readonly all: SettledExecution[];
}

/**
 * Replays a scenario the way `smcp replay` does, but in two halves around the snapshot: the setup first (secrets,
 * replicas, faults), then the recorded events, so "before" is the state the events met.
 */
const replay = async (h: Harness, name: string): Promise<Replayed> => {
  const scenario = scenarioWithCanaries(name);
  let before = new Map<string, Snapshot>();
  const run = await replayScenario(inProcess(h.cloud), scenario, {
    beforeEvents: async () => {
      before = await snapshotSetup(h, scenario);
    },
  });
  const ids = scenario.events.map(({ event }) => event.id);
  const executions = [...new Set(ids)].flatMap((id) => run.executions.filter((e) => e.name === id));
  return { scenario, before, executions, all: run.executions };
};

const statesEntered = (execution: SettledExecution | undefined): string[] =>
  (execution?.history ?? [])
    .filter((e) => String(e.type).endsWith('StateEntered'))
    .map((e) => String((e.stateEnteredEventDetails as { name?: string } | undefined)?.name));

const outputOf = (execution: SettledExecution | undefined): { rows: ReplicaRow[]; [key: string]: unknown } => {
  const closed = execution?.history.find((e) => e.type === 'ExecutionSucceeded');
  const output = (closed?.executionSucceededEventDetails as { output?: string } | undefined)?.output;
  return output ? JSON.parse(output) : { rows: [] };
};

const rowsOf = (execution: SettledExecution | undefined) => outputOf(execution).rows;

/** The path an execution took and the errors it met, for assertion messages. */
const summary = (execution: SettledExecution | undefined): string =>
  execution
    ? [
        `${execution.name}: ${execution.status}`,
        ...statesEntered(execution).map((s) => `  → ${s}`),
        JSON.stringify(rowsOf(execution), null, 1),
      ].join('\n')
    : 'no execution';

/** The `smcp` events workflows put on the bus for one secret (by ARN or name). */
const ownEvents = (h: Harness, secret: string) =>
  h.busEvents
    .filter((event) => h.viaPutEvents.has(event) && event.source === 'smcp')
    .map((event) => ({ detailType: event['detail-type'], detail: event.detail as Record<string, unknown> }))
    .filter(({ detail }) => detail.secretId === secret || detail.name === secret);

/** No secret value anywhere the scenario said something (test/support/leaks.ts). */
const expectNoSecretValues = (h: Harness) => expectSaidNothingOf(h, [CANARY, CANARY_MARK]);

const TAG_ALLOWS = (tags: { Key: string; Value: string }[] | undefined, key: string) =>
  (tags ?? []).some((t) => t.Key === key && t.Value === 'allow');

/**
 * After every scenario: each primary untouched (value, labels, version ids); each repaired replica InSync and
 * serving the primary's AWSCURRENT version; no replica removed without smcp:replica-prune=allow; no other secret
 * removed or changed unless its namesake primary allowed the overwrite.
 */
const expectInvariants = async (h: Harness, { scenario, before, executions }: Replayed) => {
  const rows = executions.flatMap(rowsOf);
  for (const secret of scenario.setup.secrets) {
    const region = (secret as { Region?: string }).Region ?? 'us-east-1';
    const was = before.get(`${secret.Name}@${region}`);
    if (!was) continue;
    const now = await snapshotOf(h, secret.Name, region);
    const primary = region === 'us-east-1';
    if (!primary) {
      // A secret of another region sharing a primary's name: only ForceOverwriteReplicaSecret may replace it.
      const namesake = scenario.setup.secrets.find(
        (s) => s.Name === secret.Name && (s as { Region?: string }).Region === undefined,
      );
      const overwritten = rows.some((r) => r.name === secret.Name && r.region === region && r.outcome === 'repaired');
      if (!overwritten) {
        expect(now, `${secret.Name} in ${region} is left alone`).toBeDefined();
        expect(now?.value).toBe(was.value);
        expect(now?.versions).toEqual(was.versions);
      } else {
        expect(TAG_ALLOWS(namesake?.Tags, 'smcp:replica-overwrite'), 'overwritten only with the tag').toBe(true);
      }
      continue;
    }
    expect(now, `${secret.Name} still exists`).toBeDefined();
    expect(now?.value, `${secret.Name}: the primary's value is untouched`).toBe(was.value);
    expect(now?.stages, `${secret.Name}: labels untouched`).toEqual(was.stages);
    expect(now?.versions, `${secret.Name}: version ids untouched`).toEqual(was.versions);
    const current = Object.entries(now?.stages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    for (const replica of was.replicas) {
      const still = now?.replicas.find((r) => r.region === replica.region);
      if (!still) {
        expect(
          TAG_ALLOWS(secret.Tags, 'smcp:replica-prune'),
          `${secret.Name}: ${replica.region} removed only with prune`,
        ).toBe(true);
      }
    }
    for (const row of rows.filter((r) => r.name === secret.Name && r.outcome === 'repaired')) {
      const replica = now?.replicas.find((r) => r.region === row.region);
      expect(replica?.status, `${secret.Name} in ${row.region} is InSync`).toBe('InSync');
      const there = await h
        .sm(row.region)
        .send(new DescribeSecretCommand({ SecretId: now?.arn.replace(':us-east-1:', `:${row.region}:`) }));
      const served = Object.entries(there.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      expect(served, `${secret.Name} in ${row.region} serves the primary's AWSCURRENT`).toBe(current);
    }
  }
};

const settled = (h: Harness) => settle(h.cloud);

export type { Harness, Replayed, Snapshot };
export {
  CANARY,
  expectInvariants,
  expectNoSecretValues,
  outputOf,
  ownEvents,
  replay,
  rowsOf,
  settled,
  snapshotOf,
  startHarness,
  statesEntered,
  summary,
};

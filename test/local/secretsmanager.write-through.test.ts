// The Secrets Manager emulator writes through only the secrets a call can have changed (local/secretsmanager/persist.ts),
// not every secret after every call. This checks that nothing is missed: after every call of every write operation
// (and failed ones, and a read on a new day), the rows handed to the store are exactly the emulator's state.
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import type { Store } from '../../local/store/index.ts';

/** A store that keeps what it is handed in memory: the rows a restart would load. */
const memoryStore = () => {
  const rows = new Map<string, Map<string, string>>();
  const kind = (name: string) => rows.get(name) ?? rows.set(name, new Map()).get(name) ?? new Map<string, string>();
  const store: Store = {
    rows: () => [],
    byteSizes: () => [],
    readBytes: () => undefined,
    putBytes: () => {
      throw new Error('this emulator writes no byte rows');
    },
    existed: false,
    put: (name, key, value) => void kind(name).set(key, value),
    remove: (name, key) => void kind(name).delete(key),
    removePrefix: (name, prefix) => {
      for (const key of [...kind(name).keys()]) if (key.startsWith(prefix)) kind(name).delete(key);
    },
    commit: () => undefined,
    commitSoon: () => {},
    pending: () => undefined,
    watch: () => {},
    close: async () => {},
  };
  const parsed = (name: string) =>
    Object.fromEntries([...kind(name)].map(([key, value]) => [key, JSON.parse(value) as unknown]));
  return { store, parsed };
};

const disk = memoryStore();
let h: Harness;
let sm: Harness['sm'];
const client = (region?: string) => h.client(region);

beforeAll(async () => {
  h = await startSecretsManager({ invokeRotation: async () => {} });
  sm = h.sm;
  await sm.attachStore(disk.store);
});
afterAll(async () => {
  await h.close();
});

/** The rows on "disk" against the emulator's state: the same secrets, each the same JSON, and the same members. */
const expectWrittenThrough = (after: string) => {
  const state = JSON.parse(JSON.stringify(sm.snapshot())) as { secrets: Record<string, unknown> };
  const { secrets, ...members } = state;
  expect(disk.parsed('secretsmanager.secret'), `secrets after ${after}`).toEqual(secrets);
  expect(disk.parsed('secretsmanager.state'), `members after ${after}`).toEqual(members);
};

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::000000000000:role/x' }, Action: '*', Resource: '*' }],
});

describe('Secrets Manager write-through: only the secrets a call changed, and none missed', () => {
  it('leaves the store equal to the state after every operation', async () => {
    const steps: [string, () => Promise<unknown>][] = [
      ['CreateSecret', () => client().send(new CreateSecretCommand({ Name: 'wt/a', SecretString: 'a1' }))],
      ['CreateSecret (a second)', () => client().send(new CreateSecretCommand({ Name: 'wt/b', SecretString: 'b1' }))],
      [
        'CreateSecret with a replica',
        () =>
          client().send(
            new CreateSecretCommand({ Name: 'wt/r', SecretString: 'r1', AddReplicaRegions: [{ Region: 'us-west-2' }] }),
          ),
      ],
      ['PutSecretValue', () => client().send(new PutSecretValueCommand({ SecretId: 'wt/a', SecretString: 'a2' }))],
      [
        'TagResource',
        () => client().send(new TagResourceCommand({ SecretId: 'wt/a', Tags: [{ Key: 'k', Value: 'v' }] })),
      ],
      ['UntagResource', () => client().send(new UntagResourceCommand({ SecretId: 'wt/a', TagKeys: ['k'] }))],
      ['UpdateSecret', () => client().send(new UpdateSecretCommand({ SecretId: 'wt/b', Description: 'd' }))],
      [
        'PutResourcePolicy',
        () => client().send(new PutResourcePolicyCommand({ SecretId: 'wt/b', ResourcePolicy: POLICY })),
      ],
      ['DeleteResourcePolicy', () => client().send(new DeleteResourcePolicyCommand({ SecretId: 'wt/b' }))],
      [
        'UpdateSecretVersionStage',
        async () => {
          const versions = sm.snapshot() as {
            secrets: Record<string, { name: string; versions: { versionId: string; stages: string[] }[] }>;
          };
          const a = Object.values(versions.secrets).find((s) => s.name === 'wt/a');
          const previous = a?.versions.find((v) => v.stages.includes('AWSPREVIOUS'))?.versionId;
          const current = a?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.versionId;
          return client().send(
            new UpdateSecretVersionStageCommand({
              SecretId: 'wt/a',
              VersionStage: 'AWSCURRENT',
              MoveToVersionId: previous,
              RemoveFromVersionId: current,
            }),
          );
        },
      ],
      [
        'ReplicateSecretToRegions',
        () =>
          client().send(
            new ReplicateSecretToRegionsCommand({ SecretId: 'wt/b', AddReplicaRegions: [{ Region: 'eu-west-1' }] }),
          ),
      ],
      [
        'the clock settles the replications (a read on a later day)',
        async () => {
          h.advance(86_400_000);
          return client().send(new GetSecretValueCommand({ SecretId: 'wt/a' }));
        },
      ],
      [
        'GetSecretValue from a replica',
        () => client('us-west-2').send(new GetSecretValueCommand({ SecretId: 'wt/r' })),
      ],
      [
        'RemoveRegionsFromReplication',
        () =>
          client().send(
            new RemoveRegionsFromReplicationCommand({ SecretId: 'wt/b', RemoveReplicaRegions: ['eu-west-1'] }),
          ),
      ],
      [
        'StopReplicationToReplica (a replica becomes a secret of its own)',
        () => client('us-west-2').send(new StopReplicationToReplicaCommand({ SecretId: 'wt/r' })),
      ],
      [
        'RotateSecret',
        () =>
          client().send(
            new RotateSecretCommand({
              SecretId: 'wt/b',
              RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:rotate',
              RotationRules: { AutomaticallyAfterDays: 30 },
              RotateImmediately: false,
            }),
          ),
      ],
      ['CancelRotateSecret', () => client().send(new CancelRotateSecretCommand({ SecretId: 'wt/b' }))],
      ['DeleteSecret', () => client().send(new DeleteSecretCommand({ SecretId: 'wt/a', RecoveryWindowInDays: 7 }))],
      ['RestoreSecret', () => client().send(new RestoreSecretCommand({ SecretId: 'wt/a' }))],
      [
        'DeleteSecret forced',
        () => client().send(new DeleteSecretCommand({ SecretId: 'wt/b', ForceDeleteWithoutRecovery: true })),
      ],
      ['a failed write', () => client().send(new PutSecretValueCommand({ SecretId: 'wt/missing', SecretString: 'x' }))],
      [
        'DeleteSecret again',
        () => client().send(new DeleteSecretCommand({ SecretId: 'wt/a', RecoveryWindowInDays: 7 })),
      ],
      [
        'the recovery window ends (the next call purges)',
        async () => {
          h.advance(8 * 86_400_000);
          return client().send(new GetSecretValueCommand({ SecretId: 'wt/r' }));
        },
      ],
    ];

    const failed: string[] = [];
    for (const [name, act] of steps) {
      await act().catch((error: Error) => failed.push(`${name}: ${error.name}`));
      expectWrittenThrough(name);
    }

    expect(failed).toEqual(['a failed write: ResourceNotFoundException']);
    const names = Object.values((sm.snapshot() as { secrets: Record<string, { name: string }> }).secrets).map(
      (s) => s.name,
    );
    expect(names.sort()).toEqual(['wt/r', 'wt/r']);
  });
});

describe('Secrets Manager write-through: a call among many secrets', () => {
  it('serialises the secret it changed, not the whole inventory, and a read on the same day writes nothing', async () => {
    for (let i = 0; i < 300; i++) {
      await client().send(new CreateSecretCommand({ Name: `many/${i}`, SecretString: `v${i}` }));
    }
    await client().send(new GetSecretValueCommand({ SecretId: 'many/7' }));
    const puts = vi.spyOn(disk.store, 'put');
    const stringify = vi.spyOn(JSON, 'stringify');

    await client().send(new TagResourceCommand({ SecretId: 'many/7', Tags: [{ Key: 'k', Value: 'v' }] }));
    const tagWork = { puts: puts.mock.calls.map(([kind]) => kind), stringified: stringify.mock.calls.length };
    puts.mockClear();
    stringify.mockClear();
    await client().send(new GetSecretValueCommand({ SecretId: 'many/7' }));
    const readWork = { puts: puts.mock.calls.length, stringified: stringify.mock.calls.length };
    stringify.mockRestore();
    puts.mockRestore();

    expect(tagWork.puts).toEqual(['secretsmanager.secret']);
    // The secret's row, the state's few members, the answer and its CloudTrail record: nowhere near 300.
    expect(tagWork.stringified).toBeLessThan(20);
    expect(readWork).toMatchObject({ puts: 0 });
    expect(readWork.stringified).toBeLessThan(10);
    expectWrittenThrough('the calls among many');
  });
});

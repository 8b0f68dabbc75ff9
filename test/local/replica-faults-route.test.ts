// The Secrets Manager emulator's local-only fault switches over HTTP (/_smcp/secretsmanager/…), as setup.json and a
// running `smcp local` use them: what they switch on, and a clear 400 for bad input that changes nothing.
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

let t: TestCloud;

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${t.cloud.url}/_smcp/secretsmanager/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  t = await startTestCloud();
  await t.clients.sm.send(new CreateSecretCommand({ Name: 'route/app', SecretString: 'x' }));
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
});

describe('replica fault routes', () => {
  it('switches faults on and shows them', async () => {
    const set = await post('faults', {
      regionsNotEnabled: ['ap-east-1'],
      writeQuotaPerSecond: 50,
      replicaFailures: [{ secretId: 'route/app', region: 'us-west-2', kind: 'transient', times: 2 }],
    });
    const shown = await (await fetch(`${t.cloud.url}/_smcp/secretsmanager/faults`)).json();

    expect(set.status).toBe(200);
    expect(shown).toMatchObject({
      regionsNotEnabled: ['ap-east-1'],
      writeQuotaPerSecond: 50,
    });
    expect(Object.values(shown.replicaFailures as object)).toEqual([{ kind: 'transient', remaining: 2 }]);
    await post('faults', {
      regionsNotEnabled: [],
      writeQuotaPerSecond: null,
      clearReplicaFailures: [{ secretId: 'route/app', region: 'us-west-2' }],
    });
    expect(await (await fetch(`${t.cloud.url}/_smcp/secretsmanager/faults`)).json()).toMatchObject({
      regionsNotEnabled: [],
      writeQuotaPerSecond: null,
      replicaFailures: {},
    });
  });

  it('places a replica as it stands', async () => {
    const placed = await post('replicas', {
      secretId: 'route/app',
      replicas: [{ region: 'eu-west-1', status: 'Failed', cause: 'kms-key-not-found', kmsKeyId: 'alias/x' }],
    });
    const described = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'route/app' }));

    expect(placed.status).toBe(200);
    expect(described.ReplicationStatus).toEqual([
      expect.objectContaining({
        Region: 'eu-west-1',
        Status: 'Failed',
        KmsKeyId: 'alias/x',
        StatusMessage: expect.stringMatching(/alias\/x is not found/),
      }),
    ]);
  });

  it.each([
    ['faults', '{not json', /^Body /],
    [
      'faults',
      { replicaFailures: [{ secretId: 'route/app', region: 'us-west-2', kind: 'meteor' }] },
      /kind must be one of name-conflict/,
    ],
    [
      'faults',
      { replicaFailures: [{ secretId: 'route/app', region: 'Mars', kind: 'transient' }] },
      /region must be a Region name/,
    ],
    [
      'faults',
      { replicaFailures: [{ secretId: 'route/app', region: 'us-west-2', kind: 'transient', times: 0 }] },
      /times must be a positive integer/,
    ],
    ['faults', { writeQuotaPerSecond: -1 }, /writeQuotaPerSecond must be a positive integer/],
    [
      'faults',
      { replicaFailures: [{ secretId: 'route/none', region: 'us-west-2', kind: 'transient' }] },
      /No secret route\/none/,
    ],
    [
      'replicas',
      { secretId: 'route/app', replicas: [{ region: 'us-east-1', status: 'InSync' }] },
      /primary's own region/,
    ],
    [
      'replicas',
      { secretId: 'route/app', replicas: [{ region: 'eu-west-2', status: 'Broken' }] },
      /status must be one of InSync, Failed, InProgress/,
    ],
  ])('refuses bad input to %s with a 400 that says why', async (path, body, reason) => {
    const before = await (await fetch(`${t.cloud.url}/_smcp/secretsmanager/faults`)).json();

    const answer = await post(path, body);

    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toMatch(reason);
    expect(await (await fetch(`${t.cloud.url}/_smcp/secretsmanager/faults`)).json()).toEqual(before);
  });
});

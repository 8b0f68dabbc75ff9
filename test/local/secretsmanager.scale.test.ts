// What a call costs the Secrets Manager emulator as the inventory grows: a cleanup scan of N secrets makes about N/100
// ListSecrets and a DescribeSecret per replicated candidate, so a call that read every secret made the scan N². A call
// by a primary's ARN reads no other secret, and the clock's work (recovery windows, replications) is looked for only
// when something is due. Counted by a proxy over the secrets that records each walk (an enumeration of their keys).
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../local/secretsmanager/core.ts';
import { anythingDue, dueBy, earliestDue, forgetDue } from '../../local/secretsmanager/due.ts';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { find } from '../../local/secretsmanager/lookup.ts';
import type { SecretRecord, State } from '../../local/secretsmanager/state.ts';

const DAY = 86_400_000;
const REGION = 'us-east-1';
const arnOf = (i: number) => `arn:aws:secretsmanager:${REGION}:000000000000:secret:s${i}-AbCdEf`;

const secret = (i: number, extra: Partial<SecretRecord> = {}): SecretRecord => ({
  name: `s${i}`,
  primaryRegion: REGION,
  suffix: 'AbCdEf',
  createdDate: '2025-01-01T00:00:00.000Z',
  lastChangedDate: '2025-01-01T00:00:00.000Z',
  lastAccessedDate: {},
  tags: [],
  versions: [],
  replicas: {},
  ...extra,
});

/** A state of `count` secrets whose walks (enumerations of every secret) are counted. */
const countedState = (count: number, extra: (i: number) => Partial<SecretRecord> = () => ({})) => {
  const secrets: Record<string, SecretRecord> = {};
  for (let i = 0; i < count; i++) secrets[arnOf(i)] = secret(i, extra(i));
  const walks = { count: 0 };
  const counted = new Proxy(secrets, {
    ownKeys(target) {
      walks.count++;
      return Reflect.ownKeys(target);
    },
  });
  const state = { secrets: counted, replicaFailures: {} } as unknown as State;
  return { state, walks };
};

describe('secrets manager at scale: finding one secret', () => {
  it('finds a secret by its full ARN without reading the others, and by name as before', () => {
    const { state, walks } = countedState(1_000);

    const byArn = [0, 500, 999].map((i) => find(state, REGION, arnOf(i)));

    expect(byArn.map((at) => at?.secret.name)).toEqual(['s0', 's500', 's999']);
    expect(byArn[0]).toMatchObject({ region: REGION, isReplica: false, arn: arnOf(0) });
    expect(walks.count).toBe(0);
    // A name, a partial ARN, another region's copy or a missing secret still look through the copies.
    expect(find(state, REGION, 's7')?.arn).toBe(arnOf(7));
    expect(find(state, REGION, `arn:aws:secretsmanager:${REGION}:000000000000:secret:s8`)?.arn).toBe(arnOf(8));
    expect(find(state, 'eu-west-1', arnOf(9))).toBeUndefined();
    expect(find(state, REGION, 'constructor')).toBeUndefined();
    expect(walks.count).toBeGreaterThan(0);
  });
});

describe('secrets manager at scale: the clock’s work', () => {
  it('looks through the secrets once for what is due, and not again as calls and new due work come', () => {
    let now = Date.parse('2025-03-01T00:00:00.000Z');
    const { state, walks } = countedState(1_000, (i) =>
      i === 400 ? { deletedDate: '2025-02-20T00:00:00.000Z', deletionDate: '2025-03-10T00:00:00.000Z' } : {},
    );
    const core = createCore({ now: () => new Date(now), emit: () => {} });
    core.state = state;

    const answers = Array.from({ length: 100 }, () => anythingDue(core));

    expect(answers.every((due) => !due)).toBe(true);
    expect(walks.count).toBe(1);
    // New due work (a deletion scheduled, a replication started) moves the instant up without a walk.
    dueBy(core, '2025-03-05T00:00:00.000Z');
    now = Date.parse('2025-03-04T23:59:59.999Z');
    expect(anythingDue(core)).toBe(false);
    now = Date.parse('2025-03-05T00:00:00.000Z');
    expect(anythingDue(core)).toBe(true);
    // Later due work does not move it back.
    dueBy(core, '2025-04-01T00:00:00.000Z');
    expect(anythingDue(core)).toBe(true);
    expect(walks.count).toBe(1);
    // Once the clock's work is done, the next look walks again.
    forgetDue(core);
    anythingDue(core);
    expect(walks.count).toBe(2);
  });

  it('finds the earliest recovery window end or replication in progress, and nothing when none waits', () => {
    const replica = {
      region: 'eu-west-1',
      kmsKeyId: 'alias/aws/secretsmanager',
      statusMessage: 'Replication in progress',
      forceOverwrite: false,
    };
    const { state } = countedState(3, (i) =>
      i === 0
        ? { deletionDate: '2025-03-20T00:00:00.000Z' }
        : i === 1
          ? { replicas: { 'eu-west-1': { ...replica, status: 'InProgress', settlesAt: '2025-03-05T00:00:00.000Z' } } }
          : { replicas: { 'eu-west-1': { ...replica, status: 'InSync', settlesAt: '2025-01-01T00:00:00.000Z' } } },
    );
    const { state: quiet } = countedState(3);

    expect(new Date(earliestDue(state)).toISOString()).toBe('2025-03-05T00:00:00.000Z');
    expect(earliestDue(quiet)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('secrets manager at scale: the clock still acts', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('purges a secret scheduled after the due instant was kept, and settles a replication started later', async () => {
    h = await startSecretsManager();
    await h.client().send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v' }));
    await h.client().send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'v' }));
    // Nothing is due: the emulator keeps that answer…
    await h.client().send(new DescribeSecretCommand({ SecretId: 'kept' }));
    // …until a write schedules a deletion and starts a replication.
    await h.client().send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    await h.client().send(
      new CreateSecretCommand({
        Name: 'replicated',
        SecretString: 'v',
        AddReplicaRegions: [{ Region: 'eu-west-1' }],
      }),
    );
    h.advance(7 * DAY);

    const replicated = await h.client().send(new DescribeSecretCommand({ SecretId: 'replicated' }));

    expect(replicated.ReplicationStatus?.map((r) => r.Status)).toEqual(['InSync']);
    await expect(h.client().send(new DescribeSecretCommand({ SecretId: 'doomed' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('purges at the first call after a restored snapshot whose recovery window has already ended', async () => {
    h = await startSecretsManager();
    await h
      .client()
      .send(new DescribeSecretCommand({ SecretId: 'nothing' }))
      .catch(() => undefined);
    const ended = { deletedDate: '2025-01-01T00:00:00.000Z', deletionDate: '2025-01-31T00:00:00.000Z' };
    h.sm.restore({ format: 1, secrets: { [arnOf(1)]: secret(1, ended) }, replicaFailures: {} });

    await expect(h.client().send(new DescribeSecretCommand({ SecretId: arnOf(1) }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

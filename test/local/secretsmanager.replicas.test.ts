import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  StopReplicationToReplicaCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startSecretsManager();
});
afterEach(async () => {
  await h.close();
});

const serviceEvents = (name: string) =>
  h.events.filter((e) => e['detail-type'] === 'AWS Service Event via CloudTrail' && e.detail.eventName === name);

describe('secrets manager replicas', () => {
  it('replicates to another region, InProgress then InSync, readable there under the replica ARN', async () => {
    const created = await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', AddReplicaRegions: [{ Region: 'us-west-2' }] }));

    expect(created.ReplicationStatus).toEqual([expect.objectContaining({ Region: 'us-west-2', Status: 'InProgress' })]);
    const primary = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(primary.ReplicationStatus).toEqual([
      {
        Region: 'us-west-2',
        KmsKeyId: 'alias/aws/secretsmanager',
        Status: 'InSync',
        StatusMessage: 'Replication succeeded',
      },
    ]);
    const replica = await h.client('us-west-2').send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(replica.SecretString).toBe('v1');
    expect(replica.ARN).toBe(created.ARN?.replace('us-east-1', 'us-west-2'));
    const described = await h.client('us-west-2').send(new DescribeSecretCommand({ SecretId: replica.ARN }));
    expect(described.PrimaryRegion).toBe('us-east-1');
    expect(serviceEvents('ReplicationSucceeded')).toHaveLength(1);
  });

  it('keeps LastAccessedDate per region and refuses writes on the replica', async () => {
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
    await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    await h.client('eu-west-1').send(new GetSecretValueCommand({ SecretId: 's' }));

    const primary = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    const replica = await h.client('eu-west-1').send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(primary.LastAccessedDate).toBeUndefined();
    expect(primary.ReplicationStatus?.[0]?.LastAccessedDate?.toISOString()).toBe('2025-03-19T00:00:00.000Z');
    expect(replica.LastAccessedDate?.toISOString()).toBe('2025-03-19T00:00:00.000Z');
    await expect(
      h.client('eu-west-1').send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(h.client().send(new DeleteSecretCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "You can't delete secret s that still has replica regions [eu-west-1]",
    });
  });

  it('fails on a name conflict in the region and repairs with ForceOverwriteReplicaSecret', async () => {
    await h.client('us-west-2').send(new CreateSecretCommand({ Name: 's', SecretString: 'local' }));
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    await h
      .client()
      .send(new ReplicateSecretToRegionsCommand({ SecretId: 's', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    const failed = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    await h
      .client()
      .send(new RemoveRegionsFromReplicationCommand({ SecretId: 's', RemoveReplicaRegions: ['us-west-2'] }));
    await h.client().send(
      new ReplicateSecretToRegionsCommand({
        SecretId: 's',
        AddReplicaRegions: [{ Region: 'us-west-2' }],
        ForceOverwriteReplicaSecret: true,
      }),
    );
    const repaired = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(failed.ReplicationStatus?.[0]).toMatchObject({
      Status: 'Failed',
      StatusMessage: 'Replication failed: Secret name s already exists in region us-west-2.',
    });
    expect(serviceEvents('ReplicationFailed')).toHaveLength(1);
    expect(repaired.ReplicationStatus?.[0]?.Status).toBe('InSync');
    const value = await h.client('us-west-2').send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(value.SecretString).toBe('v1');
  });

  it('surfaces an injected KMS key failure and recovers with another key', async () => {
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    h.sm.injectReplicaFailure('s', 'us-west-2', 'kms-key');
    const failed = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    const unreadable = await h
      .client('us-west-2')
      .send(new GetSecretValueCommand({ SecretId: 's' }))
      .catch((error: unknown) => error);
    await h
      .client()
      .send(new RemoveRegionsFromReplicationCommand({ SecretId: 's', RemoveReplicaRegions: ['us-west-2'] }));
    await h.client().send(
      new ReplicateSecretToRegionsCommand({
        SecretId: 's',
        AddReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'alias/fallback' }],
      }),
    );
    const repaired = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(failed.ReplicationStatus?.[0]).toMatchObject({
      Status: 'Failed',
      StatusMessage: expect.stringMatching(/^Replication failed: The KMS key alias\/aws\/secretsmanager/),
    });
    expect(unreadable).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(repaired.ReplicationStatus?.[0]).toMatchObject({ Status: 'InSync', KmsKeyId: 'alias/fallback' });
  });

  it('applies an injected name conflict to the next replication', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    h.sm.injectReplicaFailure('s', 'ap-south-1', 'name-conflict');

    await h
      .client()
      .send(new ReplicateSecretToRegionsCommand({ SecretId: 's', AddReplicaRegions: [{ Region: 'ap-south-1' }] }));
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(described.ReplicationStatus?.[0]).toMatchObject({
      Status: 'Failed',
      StatusMessage: 'Replication failed: Secret name s already exists in region ap-south-1.',
    });
  });

  it('lists replicas in their region with the primary-region filter', async () => {
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 'r', SecretString: 'v', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    await h.client('us-west-2').send(new CreateSecretCommand({ Name: 'local', SecretString: 'v' }));

    const listed = await h
      .client('us-west-2')
      .send(new ListSecretsCommand({ Filters: [{ Key: 'primary-region', Values: ['us-east-1'] }] }));

    expect(listed.SecretList?.map((s) => [s.Name, s.PrimaryRegion])).toEqual([['r', 'us-east-1']]);
  });

  it('promotes a replica to a standalone secret with StopReplicationToReplica', async () => {
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    const stopped = await h.client('us-west-2').send(new StopReplicationToReplicaCommand({ SecretId: 's' }));
    await h.client('us-west-2').send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'west' }));

    expect(stopped.ARN).toContain(':us-west-2:');
    const primary = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(primary.ReplicationStatus).toBeUndefined();
    const east = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    const west = await h.client('us-west-2').send(new GetSecretValueCommand({ SecretId: 's' }));
    expect([east.SecretString, west.SecretString]).toEqual(['v1', 'west']);
  });

  it('fails replication into a Region that is not enabled, with a StatusMessage that says so', async () => {
    h.sm.setRegionsNotEnabled(['ap-east-1']);
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', AddReplicaRegions: [{ Region: 'ap-east-1' }] }));

    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(described.ReplicationStatus?.[0]).toMatchObject({
      Status: 'Failed',
      StatusMessage: expect.stringMatching(/Region ap-east-1 is not enabled/),
    });
    expect(serviceEvents('ReplicationFailed').at(-1)?.detail.errorMessage).toMatch(/not enabled/);
  });

  it('clears an injected fault after the number of replications it was given', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    h.sm.injectReplicaFailure('s', 'us-west-2', 'transient', { times: 2 });
    const attempt = async () => {
      await h
        .client()
        .send(new ReplicateSecretToRegionsCommand({ SecretId: 's', AddReplicaRegions: [{ Region: 'us-west-2' }] }));
      const status = (await h.client().send(new DescribeSecretCommand({ SecretId: 's' }))).ReplicationStatus?.[0];
      await h
        .client()
        .send(new RemoveRegionsFromReplicationCommand({ SecretId: 's', RemoveReplicaRegions: ['us-west-2'] }));
      return status;
    };

    const outcomes = [await attempt(), await attempt(), await attempt()];

    expect(outcomes.map((o) => o?.Status)).toEqual(['Failed', 'Failed', 'InSync']);
    expect(outcomes[0]?.StatusMessage).toMatch(/network error/);
    expect(h.sm.faults().replicaFailures).toEqual({});
  });

  it('throttles the shared write quota per Region on the local clock, and lets calls through a second later', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v0' }));
    h.sm.setWriteQuota(3);
    const put = (value: string, region = 'us-east-1') =>
      h
        .client(region)
        .send(new PutSecretValueCommand({ SecretId: 's', SecretString: value }))
        .then(
          () => 'ok',
          (error: Error) => `${error.name}: ${error.message}`,
        );

    const burst = [await put('v1'), await put('v2'), await put('v3'), await put('v4')];
    // Another Region has its own budget (the secret is not there: its own error, not throttling).
    const elsewhere = await put('v5', 'eu-west-1');
    h.advance(1_000);
    const later = await put('v6');

    expect(burst).toEqual(['ok', 'ok', 'ok', 'ThrottlingException: Rate exceeded']);
    expect(elsewhere).toMatch(/^ResourceNotFoundException/);
    expect(later).toBe('ok');
    expect(h.sm.faults()).toMatchObject({ writeQuotaPerSecond: 3, throttled: 1 });
    // Reads are outside the quota.
    await expect(h.client().send(new GetSecretValueCommand({ SecretId: 's' }))).resolves.toBeDefined();
  });

  it('places a replica as it stands without replicating and without service events', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    const before = h.events.length;

    h.sm.placeReplica('s', {
      region: 'us-west-2',
      status: 'Failed',
      kmsKeyId: 'alias/app',
      cause: 'kms-access-denied',
    });
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));

    expect(described.ReplicationStatus).toEqual([
      {
        Region: 'us-west-2',
        KmsKeyId: 'alias/app',
        Status: 'Failed',
        StatusMessage: expect.stringMatching(/not authorized to perform: kms:GenerateDataKey/),
      },
    ]);
    expect(h.events.slice(before).filter((e) => e['detail-type'] === 'AWS Service Event via CloudTrail')).toEqual([]);
  });
});

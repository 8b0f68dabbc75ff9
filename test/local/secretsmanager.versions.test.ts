import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';

const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const TOKEN_C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const DAY = 24 * 60 * 60 * 1000;

let h: Harness;
beforeEach(async () => {
  h = await startSecretsManager();
});
afterEach(async () => {
  await h.close();
});

describe('secrets manager versions and staging labels', () => {
  it('creates a secret with an AWS-shaped ARN and an AWSCURRENT version', async () => {
    const created = await h
      .client()
      .send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'v1', ClientRequestToken: TOKEN_A }));

    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:app\/db-[A-Za-z0-9]{6}$/);
    expect(created.VersionId).toBe(TOKEN_A);
    const value = await h.client().send(new GetSecretValueCommand({ SecretId: 'app/db' }));
    expect(value).toMatchObject({ SecretString: 'v1', VersionId: TOKEN_A, VersionStages: ['AWSCURRENT'] });
  });

  it('finds a secret by name, full ARN and partial ARN', async () => {
    const { ARN } = await h.client().send(new CreateSecretCommand({ Name: 'app/api-key', SecretString: 'k' }));
    const partial = ARN?.slice(0, -7) ?? '';

    for (const id of ['app/api-key', ARN, partial]) {
      const described = await h.client().send(new DescribeSecretCommand({ SecretId: id }));
      expect(described.ARN).toBe(ARN);
    }
  });

  it('moves AWSCURRENT to a new value and the old one to AWSPREVIOUS', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));

    await h
      .client()
      .send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2', ClientRequestToken: TOKEN_B }));
    await h.client().send(new UpdateSecretCommand({ SecretId: 's', SecretString: 'v3', ClientRequestToken: TOKEN_C }));

    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    // TOKEN_A lost its last label: deprecated, hidden from VersionIdsToStages but kept.
    expect(described.VersionIdsToStages).toEqual({ [TOKEN_B]: ['AWSPREVIOUS'], [TOKEN_C]: ['AWSCURRENT'] });
    const previous = await h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('v2');
    const all = await h.client().send(new ListSecretVersionIdsCommand({ SecretId: 's', IncludeDeprecated: true }));
    expect(all.Versions?.map((v) => v.VersionId)).toEqual([TOKEN_A, TOKEN_B, TOKEN_C]);
    const labelled = await h.client().send(new ListSecretVersionIdsCommand({ SecretId: 's' }));
    expect(labelled.Versions?.map((v) => v.VersionId)).toEqual([TOKEN_B, TOKEN_C]);
  });

  it('treats a repeated ClientRequestToken with the same value as a no-op and a different value as a conflict', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));
    await h
      .client()
      .send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2', ClientRequestToken: TOKEN_B }));

    const again = await h
      .client()
      .send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2', ClientRequestToken: TOKEN_B }));
    const conflict = await h
      .client()
      .send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'other', ClientRequestToken: TOKEN_B }))
      .catch((error: unknown) => error);
    const createAgain = await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));

    expect(again).toMatchObject({ VersionId: TOKEN_B, VersionStages: ['AWSCURRENT'] });
    expect(conflict).toMatchObject({
      name: 'ResourceExistsException',
      message: expect.stringContaining(`ClientRequestToken ${TOKEN_B}`),
    });
    expect(createAgain.VersionId).toBe(TOKEN_A);
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(2);
  });

  it('refuses to create a second secret with the same name', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    const second = h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    await expect(second).rejects.toMatchObject({
      name: 'ResourceExistsException',
      message: 'The operation failed because the secret s already exists.',
    });
  });

  it('puts a value under a custom label without moving AWSCURRENT', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));

    const put = await h.client().send(
      new PutSecretValueCommand({
        SecretId: 's',
        SecretString: 'staged',
        ClientRequestToken: TOKEN_B,
        VersionStages: ['STAGED'],
      }),
    );

    expect(put.VersionStages).toEqual(['STAGED']);
    const current = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(current.SecretString).toBe('v1');
    const staged = await h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'STAGED' }));
    expect(staged.SecretString).toBe('staged');
  });

  it('moves AWSCURRENT with UpdateSecretVersionStage and emits Secret Label Updated', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));
    await h.client().send(
      new PutSecretValueCommand({
        SecretId: 's',
        SecretString: 'v2',
        ClientRequestToken: TOKEN_B,
        VersionStages: ['AWSPENDING'],
      }),
    );

    const withoutRemove = h
      .client()
      .send(
        new UpdateSecretVersionStageCommand({ SecretId: 's', VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_B }),
      );
    await expect(withoutRemove).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await h.client().send(
      new UpdateSecretVersionStageCommand({
        SecretId: 's',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: TOKEN_B,
        RemoveFromVersionId: TOKEN_A,
      }),
    );

    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.VersionIdsToStages).toEqual({
      [TOKEN_A]: ['AWSPREVIOUS'],
      [TOKEN_B]: ['AWSPENDING', 'AWSCURRENT'],
    });
    const labelEvents = h.events.filter((e) => e['detail-type'] === 'Secret Label Updated');
    expect(labelEvents).toHaveLength(1);
    expect(labelEvents[0]).toMatchObject({
      source: 'aws.secretsmanager',
      resources: [described.ARN],
      detail: { name: 's', labelUpdated: 'AWSCURRENT', versionId: TOKEN_B },
    });
  });

  it('rolls back by moving AWSCURRENT to the AWSPREVIOUS version', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', ClientRequestToken: TOKEN_A }));
    await h
      .client()
      .send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2', ClientRequestToken: TOKEN_B }));

    await h.client().send(
      new UpdateSecretVersionStageCommand({
        SecretId: 's',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: TOKEN_A,
        RemoveFromVersionId: TOKEN_B,
      }),
    );

    const current = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(current).toMatchObject({ SecretString: 'v1', VersionStages: ['AWSCURRENT'] });
    const previous = await h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.VersionId).toBe(TOKEN_B);
  });

  it('reports a missing version or label as ResourceNotFoundException', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    const byStage = h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPENDING' }));
    await expect(byStage).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
    const byId = h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionId: TOKEN_C }));
    await expect(byId).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('prunes the oldest deprecated versions past 100, keeping labelled ones', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v0', ClientRequestToken: TOKEN_A }));
    for (let i = 1; i <= 105; i++) {
      h.advance(DAY);
      await h.client().send(new PutSecretValueCommand({ SecretId: 's', SecretString: `v${i}` }));
    }

    const all = await h.client().send(new ListSecretVersionIdsCommand({ SecretId: 's', IncludeDeprecated: true }));

    expect(all.Versions).toHaveLength(100);
    expect(all.Versions?.some((v) => v.VersionId === TOKEN_A)).toBe(false);
    const labels = all.Versions?.flatMap((v) => v.VersionStages ?? []);
    expect(labels?.sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  });

  it('records LastAccessedDate per day, at midnight UTC', async () => {
    const { ARN } = await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    const before = await h.client().send(new DescribeSecretCommand({ SecretId: ARN }));

    h.advance(5 * 60 * 60 * 1000);
    await h.client().send(new GetSecretValueCommand({ SecretId: ARN }));
    const after = await h.client().send(new DescribeSecretCommand({ SecretId: ARN }));

    expect(before.LastAccessedDate).toBeUndefined();
    expect(after.LastAccessedDate?.toISOString()).toBe('2025-03-19T00:00:00.000Z');
    const versions = await h.client().send(new ListSecretVersionIdsCommand({ SecretId: ARN }));
    expect(versions.Versions?.[0]?.LastAccessedDate?.toISOString()).toBe('2025-03-19T00:00:00.000Z');
  });
});

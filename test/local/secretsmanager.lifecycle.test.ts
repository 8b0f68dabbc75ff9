import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';

const DAY = 24 * 60 * 60 * 1000;

let h: Harness;
beforeEach(async () => {
  h = await startSecretsManager();
});
afterEach(async () => {
  await h.close();
});

const names = async (input: ConstructorParameters<typeof ListSecretsCommand>[0] = {}) =>
  ((await h.client().send(new ListSecretsCommand(input))).SecretList ?? []).map((s) => s.Name);

describe('secrets manager deletion and restore', () => {
  it('schedules deletion 30 days out by default and hides the secret from reads and lists', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    const deleted = await h.client().send(new DeleteSecretCommand({ SecretId: 's' }));

    expect(deleted.DeletionDate?.toISOString()).toBe('2025-04-18T10:00:00.000Z');
    await expect(h.client().send(new GetSecretValueCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.DeletedDate?.toISOString()).toBe('2025-03-19T10:00:00.000Z');
    expect(await names()).toEqual([]);
    expect(await names({ IncludePlannedDeletion: true })).toEqual(['s']);
  });

  it('restores a secret within its recovery window', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    await h.client().send(new DeleteSecretCommand({ SecretId: 's', RecoveryWindowInDays: 7 }));
    h.advance(6 * DAY);

    await h.client().send(new RestoreSecretCommand({ SecretId: 's' }));

    const value = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(value.SecretString).toBe('v1');
    h.advance(2 * DAY);
    expect(await names()).toEqual(['s']);
  });

  it('deletes the secret for good once the clock passes DeletionDate', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    await h.client().send(new DeleteSecretCommand({ SecretId: 's', RecoveryWindowInDays: 7 }));

    h.advance(7 * DAY);

    await expect(h.client().send(new RestoreSecretCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
    // The name is free again.
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v2' }));
  });

  it('refuses to reuse the name of a secret scheduled for deletion', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));
    await h.client().send(new DeleteSecretCommand({ SecretId: 's' }));

    await expect(h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v2' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('deletes at once with ForceDeleteWithoutRecovery', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    const deleted = await h.client().send(new DeleteSecretCommand({ SecretId: 's', ForceDeleteWithoutRecovery: true }));

    expect(deleted.DeletionDate?.toISOString()).toBe('2025-03-19T10:00:00.000Z');
    expect(await names({ IncludePlannedDeletion: true })).toEqual([]);
  });

  it.each([
    [{ RecoveryWindowInDays: 6 }, 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).'],
    [{ RecoveryWindowInDays: 31 }, 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).'],
    [
      { RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true },
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    ],
  ])('rejects %o with InvalidParameterException', async (params, message) => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v1' }));

    const attempt = h.client().send(new DeleteSecretCommand({ SecretId: 's', ...params }));

    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterException', message });
  });
});

describe('secrets manager tags, policies and listing', () => {
  it('tags and untags a secret', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }] }));

    await h.client().send(
      new TagResourceCommand({
        SecretId: 's',
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'smcp:owner', Value: 'team' },
        ],
      }),
    );
    await h.client().send(new UntagResourceCommand({ SecretId: 's', TagKeys: ['a'] }));

    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.Tags).toEqual([{ Key: 'smcp:owner', Value: 'team' }]);
  });

  it('stores, returns and deletes a resource policy, refusing public ones when asked', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'v' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
    });

    await expect(
      h.client().send(new PutResourcePolicyCommand({ SecretId: 's', ResourcePolicy: policy, BlockPublicPolicy: true })),
    ).rejects.toMatchObject({ name: 'PublicPolicyException' });
    await expect(
      h.client().send(new PutResourcePolicyCommand({ SecretId: 's', ResourcePolicy: '{not json' })),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
    await h.client().send(new PutResourcePolicyCommand({ SecretId: 's', ResourcePolicy: policy }));
    const stored = await h.client().send(new GetResourcePolicyCommand({ SecretId: 's' }));
    await h.client().send(new DeleteResourcePolicyCommand({ SecretId: 's' }));
    const after = await h.client().send(new GetResourcePolicyCommand({ SecretId: 's' }));

    expect(stored.ResourcePolicy).toBe(policy);
    expect(after.ResourcePolicy).toBeUndefined();
  });

  it('filters by name, description, tags and all, with negation', async () => {
    await h.client().send(
      new CreateSecretCommand({
        Name: 'prod/db',
        SecretString: 'v',
        Description: 'Main Database credentials',
        Tags: [{ Key: 'team', Value: 'payments' }],
      }),
    );
    h.advance(1000);
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 'dev/db', SecretString: 'v', Tags: [{ Key: 'team', Value: 'search' }] }));
    h.advance(1000);
    await h.client().send(new CreateSecretCommand({ Name: 'Prod/api', SecretString: 'v' }));

    expect(await names({ Filters: [{ Key: 'name', Values: ['prod'] }] })).toEqual(['prod/db']);
    expect(await names({ Filters: [{ Key: 'description', Values: ['database'] }] })).toEqual(['prod/db']);
    expect(await names({ Filters: [{ Key: 'tag-value', Values: ['pay'] }] })).toEqual(['prod/db']);
    expect(await names({ Filters: [{ Key: 'tag-key', Values: ['team'] }], SortOrder: 'asc' })).toEqual([
      'prod/db',
      'dev/db',
    ]);
    expect(await names({ Filters: [{ Key: 'name', Values: ['!prod'] }], SortOrder: 'asc' })).toEqual([
      'dev/db',
      'Prod/api',
    ]);
    expect(await names({ Filters: [{ Key: 'all', Values: ['PROD'] }], SortOrder: 'asc' })).toEqual([
      'prod/db',
      'Prod/api',
    ]);
  });

  it('pages through ListSecrets with MaxResults and NextToken', async () => {
    for (let i = 0; i < 5; i++) {
      await h.client().send(new CreateSecretCommand({ Name: `s${i}`, SecretString: 'v' }));
      h.advance(1000);
    }

    const seen: (string | undefined)[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.client().send(new ListSecretsCommand({ MaxResults: 2, NextToken: token, SortOrder: 'asc' }));
      seen.push(...(page.SecretList ?? []).map((s) => s.Name));
      token = page.NextToken;
      pages += 1;
    } while (token);

    expect(pages).toBe(3);
    expect(seen).toEqual(['s0', 's1', 's2', 's3', 's4']);
    await expect(h.client().send(new ListSecretsCommand({ NextToken: 'garbage' }))).rejects.toMatchObject({
      name: 'InvalidNextTokenException',
    });
  });

  it('survives a restart through snapshot and restore', async () => {
    await h
      .client()
      .send(new CreateSecretCommand({ Name: 's', SecretString: 'v1', Tags: [{ Key: 'smcp:owner', Value: 'x' }] }));
    await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    const snapshot = JSON.parse(JSON.stringify(h.sm.snapshot()));
    await h.close();

    h = await startSecretsManager();
    h.sm.restore(snapshot);

    const value = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(value.SecretString).toBe('v1');
    expect(described.Tags).toEqual([{ Key: 'smcp:owner', Value: 'x' }]);
    expect(described.LastAccessedDate?.toISOString()).toBe('2025-03-19T00:00:00.000Z');
    expect(() => h.sm.restore({ nope: true })).toThrow();
  });
});

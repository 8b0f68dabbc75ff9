// What a call costs the Secrets Manager emulator, through the real SDK: the walks over every secret it makes (the
// listing's sort, the clock's look for ended recovery windows and settled replications), counted by wrapping the
// functions that walk. A cleanup scan pages through the inventory, describes some secrets and tags others: if each of
// those calls walked every secret, a scan of N secrets would cost N².
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { copiesIn } from '../../local/secretsmanager/lookup.ts';
import { purgeDeleted } from '../../local/secretsmanager/operations/lifecycle.ts';
import { settleReplicas } from '../../local/secretsmanager/replicas.ts';

vi.mock('../../local/secretsmanager/lookup.ts', async (original) => {
  const real = await original<typeof import('../../local/secretsmanager/lookup.ts')>();
  return { ...real, copiesIn: vi.fn(real.copiesIn) };
});
vi.mock('../../local/secretsmanager/operations/lifecycle.ts', async (original) => {
  const real = await original<typeof import('../../local/secretsmanager/operations/lifecycle.ts')>();
  return { ...real, purgeDeleted: vi.fn(real.purgeDeleted) };
});
vi.mock('../../local/secretsmanager/replicas.ts', async (original) => {
  const real = await original<typeof import('../../local/secretsmanager/replicas.ts')>();
  return { ...real, settleReplicas: vi.fn(real.settleReplicas) };
});

const DAY = 86_400_000;
const SECRETS = 30;

let h: Harness;
const arns: string[] = [];

beforeEach(async () => {
  h = await startSecretsManager();
  arns.length = 0;
  for (let i = 0; i < SECRETS; i++) {
    const out = await h
      .client()
      .send(new CreateSecretCommand({ Name: `s${String(i).padStart(2, '0')}`, SecretString: 'v' }));
    arns.push(String(out.ARN));
  }
  vi.mocked(copiesIn).mockClear();
  vi.mocked(purgeDeleted).mockClear();
  vi.mocked(settleReplicas).mockClear();
});
afterEach(async () => {
  await h.close();
});

const page = async (nextToken?: string, filters?: { Key: 'tag-key'; Values: string[] }[]) =>
  h.client().send(
    new ListSecretsCommand({
      MaxResults: 10,
      SortOrder: 'asc',
      SortBy: 'name',
      NextToken: nextToken,
      Filters: filters,
    }),
  );
const names = (out: Awaited<ReturnType<typeof page>>) => (out.SecretList ?? []).map((s) => String(s.Name));

describe('secrets manager call cost: the clock', () => {
  it('walks no secret on calls while nothing is due, and acts when something is', async () => {
    // The first call looks once for what is due (the creations above changed the state), then never again.
    for (const arn of arns) await h.client().send(new DescribeSecretCommand({ SecretId: arn }));

    expect(vi.mocked(purgeDeleted)).not.toHaveBeenCalled();
    expect(vi.mocked(settleReplicas)).not.toHaveBeenCalled();
    // A scheduled deletion is due only once its window ends.
    await h.client().send(new DeleteSecretCommand({ SecretId: arns[0], RecoveryWindowInDays: 7 }));
    for (const arn of arns.slice(1))
      await h.client().send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(vi.mocked(purgeDeleted)).not.toHaveBeenCalled();
    h.advance(7 * DAY);
    await expect(h.client().send(new DescribeSecretCommand({ SecretId: arns[0] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(vi.mocked(purgeDeleted)).toHaveBeenCalledTimes(1);
  });
});

describe('secrets manager call cost: listings', () => {
  it('sorts a listing once, and keeps it through tag changes: the pages neither overlap nor skip', async () => {
    const first = await page();
    // A scan in mark mode tags candidates between its pages.
    await h
      .client()
      .send(new TagResourceCommand({ SecretId: arns[25], Tags: [{ Key: 'smcp:cleanup-marked', Value: 'x' }] }));
    const second = await page(first.NextToken);
    await h
      .client()
      .send(new TagResourceCommand({ SecretId: arns[3], Tags: [{ Key: 'smcp:cleanup-marked', Value: 'x' }] }));
    const third = await page(second.NextToken);

    expect([...names(first), ...names(second), ...names(third)]).toEqual(
      Array.from({ length: SECRETS }, (_, i) => `s${String(i).padStart(2, '0')}`),
    );
    expect(vi.mocked(copiesIn)).toHaveBeenCalledTimes(1);
    // The pages show each secret as it is now.
    expect(third.SecretList?.find((s) => s.Name === 's25')?.Tags).toEqual([{ Key: 'smcp:cleanup-marked', Value: 'x' }]);
  });

  it('sorts again after a tag change when the listing filters on tags, and after any other write', async () => {
    const marked = [{ Key: 'tag-key' as const, Values: ['smcp:cleanup-marked'] }];
    expect(names(await page(undefined, marked))).toEqual([]);
    await h
      .client()
      .send(new TagResourceCommand({ SecretId: arns[7], Tags: [{ Key: 'smcp:cleanup-marked', Value: 'x' }] }));

    expect(names(await page(undefined, marked))).toEqual(['s07']);
    expect(vi.mocked(copiesIn)).toHaveBeenCalledTimes(2);
    await page();
    await h.client().send(new UpdateSecretCommand({ SecretId: arns[8], Description: 'changed' }));
    await page();
    expect(vi.mocked(copiesIn)).toHaveBeenCalledTimes(4);
  });
});

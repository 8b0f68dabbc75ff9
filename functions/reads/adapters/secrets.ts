// Secrets Manager calls of the read-spike area: resolve the id a reader passed to the secret's ARN (cached per
// container, since one hot secret appears in every batch), its tags, and its resource policy. Never a value.
import {
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError } from '../errors.ts';

// A full secret ARN ends in the name and a dash with six random characters; anything else needs DescribeSecret.
const FULL_ARN = /^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

interface ResolverOptions {
  readonly sm: SecretsManagerClient;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

const isNotFound = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

/** Name or ARN → ARN; undefined when the secret does not exist (remembered too, so a typo costs one call). */
const createSecretResolver = ({ sm, ttlMs = 15 * 60_000, maxEntries = 10_000, now = Date.now }: ResolverOptions) => {
  const cache = new Map<string, { arn: string | undefined; until: number }>();
  const resolve = async (secretId: string): Promise<string | undefined> => {
    if (FULL_ARN.test(secretId)) return secretId;
    const hit = cache.get(secretId);
    if (hit && hit.until > now()) return hit.arn;
    let arn: string | undefined;
    try {
      arn = (await sm.send(new DescribeSecretCommand({ SecretId: secretId }))).ARN;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // Oldest first out: Map keeps insertion order.
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value ?? '');
    cache.set(secretId, { arn, until: now() + ttlMs });
    return arn;
  };
  /** Resolves many ids at once; the result maps every id to its ARN or undefined. */
  const resolveAll = async (secretIds: Iterable<string>): Promise<Map<string, string | undefined>> => {
    const ids = [...new Set(secretIds)];
    const arns = await Promise.all(ids.map(resolve));
    return new Map(ids.map((id, i) => [id, arns[i]]));
  };
  return { resolve, resolveAll };
};

type SecretResolver = ReturnType<typeof createSecretResolver>;

const createSecretPolicies = ({ sm }: { sm: SecretsManagerClient }) => ({
  async tags(secretId: string): Promise<Record<string, string>> {
    try {
      const out = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
      return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (error) {
      if (isNotFound(error)) throw new SecretNotFoundError(secretId, { cause: error });
      throw error;
    }
  },
  async getPolicy(secretId: string): Promise<string | undefined> {
    try {
      return (await sm.send(new GetResourcePolicyCommand({ SecretId: secretId }))).ResourcePolicy ?? undefined;
    } catch (error) {
      if (isNotFound(error)) throw new SecretNotFoundError(secretId, { cause: error });
      throw error;
    }
  },
  async putPolicy(secretId: string, policy: string): Promise<void> {
    // BlockPublicPolicy: a quarantine only ever adds a Deny, so it can never be what makes a policy public.
    await sm.send(
      new PutResourcePolicyCommand({ SecretId: secretId, ResourcePolicy: policy, BlockPublicPolicy: true }),
    );
  },
  async deletePolicy(secretId: string): Promise<void> {
    await sm.send(new DeleteResourcePolicyCommand({ SecretId: secretId }));
  },
});

type SecretPolicies = ReturnType<typeof createSecretPolicies>;

export type { SecretPolicies, SecretResolver };
export { createSecretPolicies, createSecretResolver };

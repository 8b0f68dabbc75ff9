// Attack: two principals whose quarantine statements shared a Sid. The Deny statement's Sid was a 32-bit FNV-1a hash of
// the principal ARN; quarantining the second principal replaced the first one's statement, lifting its Deny. Through
// the local cloud: the real read-anomaly-quarantine function (Lambda's Invoke API), the real Secrets Manager calls.
import {
  CreateSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

// Both ARNs hash to 1c2fc8e3 under FNV-1a-32 (found by a birthday search over AKIAQUARANTIN + 7 digits). Locally an
// AKIA… access key signs as the IAM user of that name, so each is also a caller the test can read as.
const FIRST = 'AKIAQUARANTIN0335786';
const SECOND = 'AKIAQUARANTIN1074240';
const userArn = (key: string) => `arn:aws:iam::000000000000:user/${key}`;

let t: TestCloud;

const quarantine = async (secretId: string, principal: string) => {
  const name = functionNamed(t.cloud.stack, 'read-anomaly-quarantine');
  const response = await fetch(`${t.cloud.url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify({ secretId, principal, requestedBy: 'attack-test' }),
  });
  return { status: response.status, error: response.headers.get('x-amz-function-error'), body: await response.json() };
};

const readAs = (key: string, secretId: string) =>
  new SecretsManagerClient({
    endpoint: t.cloud.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: key, secretAccessKey: 'test' },
  }).send(new GetSecretValueCommand({ SecretId: secretId }));

const denied = (principals: readonly string[], policy: string | undefined) => {
  const statements = (JSON.parse(policy ?? '{"Statement":[]}').Statement ?? []) as {
    Effect: string;
    Principal?: { AWS?: string };
  }[];
  return principals.filter((p) => statements.some((s) => s.Effect === 'Deny' && s.Principal?.AWS === p));
};

beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(async () => t?.cloud.stop());

describe('quarantine statement ids', () => {
  it('keeps the first Deny when a second principal with a colliding 32-bit hash is quarantined', async () => {
    const { ARN } = await t.clients.sm.send(new CreateSecretCommand({ Name: 'sid/collide', SecretString: 'v' }));

    expect(await quarantine(ARN ?? '', userArn(FIRST))).toMatchObject({ status: 200, error: null });
    expect(await quarantine(ARN ?? '', userArn(SECOND))).toMatchObject({ status: 200, error: null });

    const { ResourcePolicy } = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: ARN }));
    expect(denied([userArn(FIRST), userArn(SECOND)], ResourcePolicy)).toEqual([userArn(FIRST), userArn(SECOND)]);
    // And both Denies hold: the local cloud enforces the policy for the caller each access key names.
    for (const key of [FIRST, SECOND]) {
      await expect(readAs(key, ARN ?? '')).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
  });

  it('keeps every Deny when many principals are quarantined on one secret', async () => {
    const { ARN } = await t.clients.sm.send(new CreateSecretCommand({ Name: 'sid/many', SecretString: 'v' }));
    const keys = Array.from({ length: 40 }, (_, i) => `AKIAMANYREADERS${String(i).padStart(5, '0')}`);

    for (const key of keys) expect((await quarantine(ARN ?? '', userArn(key))).error).toBeNull();

    const { ResourcePolicy } = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: ARN }));
    expect(denied(keys.map(userArn), ResourcePolicy)).toEqual(keys.map(userArn));
  });

  it('refuses a wildcard or an overlong principal instead of writing a Deny for it', async () => {
    const { ARN } = await t.clients.sm.send(new CreateSecretCommand({ Name: 'sid/wild', SecretString: 'v' }));

    for (const principal of [
      'arn:aws:iam::000000000000:user/*',
      'arn:aws:iam::000000000000:role/*',
      `arn:aws:iam::000000000000:user/${'x'.repeat(5_000)}`,
    ]) {
      const out = await quarantine(ARN ?? '', principal);
      expect(out.error, principal.slice(0, 40)).toBe('Unhandled');
      expect(out.body).toMatchObject({ errorType: 'QuarantineRefusedError' });
    }
    const { ResourcePolicy } = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: ARN }));
    expect(ResourcePolicy).toBeUndefined();
  });
});

// scripts/unquarantine.ts against the local cloud's Secrets Manager.
import {
  CreateSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addQuarantine } from '../../functions/reads/domain/quarantine.ts';
import { main } from '../../scripts/unquarantine.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const USER = 'arn:aws:iam::000000000000:user/ci-deployer';
const OTHER = 'arn:aws:sts::000000000000:assumed-role/batch/i-9';
const allow = {
  Sid: 'AppReads',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::000000000000:role/app' },
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
};
let t: TestCloud;

const policyOf = async (secretId: string) =>
  (await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: secretId }))).ResourcePolicy;

beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(async () => t?.cloud.stop());

describe('unquarantine', () => {
  it('lifts one principal’s quarantine and keeps the owner’s statements and other quarantines', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'unq/one', SecretString: 'x' }));
    const policy = addQuarantine(
      addQuarantine(JSON.stringify({ Version: '2012-10-17', Statement: [allow] }), USER),
      OTHER,
    );
    await t.clients.sm.send(new PutResourcePolicyCommand({ SecretId: 'unq/one', ResourcePolicy: policy }));

    const outcome = await main(['unq/one', USER, '--endpoint', t.cloud.url]);

    expect(outcome).toMatchObject({ removed: 1, remaining: [OTHER], policyDeleted: false });
    expect(JSON.parse((await policyOf('unq/one')) ?? '{}').Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'AppReads',
      expect.stringMatching(/^SmcpQuarantine/),
    ]);
  });

  it('deletes the policy when only quarantines were in it', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'unq/all', SecretString: 'x' }));
    await t.clients.sm.send(
      new PutResourcePolicyCommand({ SecretId: 'unq/all', ResourcePolicy: addQuarantine(undefined, USER) }),
    );

    const outcome = await main(['unq/all', '--endpoint', t.cloud.url]);

    expect(outcome).toMatchObject({ removed: 1, remaining: [], policyDeleted: true });
    expect(await policyOf('unq/all')).toBeUndefined();
  });

  it('explains its usage', async () => {
    await expect(main([])).rejects.toThrow('usage: unquarantine <secret>');
  });
});

// Attack: a quarantined principal could still read the secret locally, because the emulator ignored resource
// policies. Now every Secrets Manager call that names a secret is checked against the secret's policy for the caller
// the request's access key names, STS GetCallerIdentity tells who that caller is (SDK and the AWS CLI), and
// ValidateResourcePolicy answers as AWS's does. Real SDK calls and the real quarantine function, over HTTP.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const run = promisify(execFile);
const INTRUDER = 'AKIAINTRUDER00000001';
const COLLEAGUE = 'AKIACOLLEAGUE0000001';
const userArn = (key: string) => `arn:aws:iam::000000000000:user/${key}`;
let t: TestCloud;
const seen: BusEvent[] = [];

const config = (key: string) => ({
  endpoint: t.cloud.url,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: key, secretAccessKey: 'test' },
});
const sm = (key: string) => new SecretsManagerClient(config(key));

const quarantine = async (secretId: string, principal: string) => {
  const name = functionNamed(t.cloud.stack, 'read-anomaly-quarantine');
  const response = await fetch(`${t.cloud.url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify({ secretId, principal }),
  });
  expect(response.headers.get('x-amz-function-error')).toBeNull();
};

const secret = async (name: string) =>
  (await t.clients.sm.send(new CreateSecretCommand({ Name: name, SecretString: `value-of-${name}` }))).ARN ?? '';

beforeAll(async () => {
  t = await startTestCloud();
  t.cloud.bus.tap((event) => seen.push(event));
});
afterAll(async () => t?.cloud.stop());

describe('a secret’s resource policy, locally', () => {
  it('refuses a quarantined principal’s reads, and only that principal’s', async () => {
    const arn = await secret('enforce/read');
    expect((await sm(INTRUDER).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe(
      'value-of-enforce/read',
    );

    await quarantine(arn, userArn(INTRUDER));

    await expect(sm(INTRUDER).send(new GetSecretValueCommand({ SecretId: 'enforce/read' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${userArn(INTRUDER)} is not authorized to perform: secretsmanager:GetSecretValue on resource: enforce/read with an explicit deny in a resource-based policy`,
    });
    expect((await sm(COLLEAGUE).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBeDefined();
    expect((await t.clients.sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBeDefined();
    // The refusal is in CloudTrail too, where the read counters see it (a denied principal that keeps trying).
    const refused = seen.filter(
      (e) =>
        (e.detail as { errorCode?: string; userIdentity?: { arn?: string } }).errorCode === 'AccessDeniedException' &&
        (e.detail as { userIdentity?: { arn?: string } }).userIdentity?.arn === userArn(INTRUDER),
    );
    expect(refused).toHaveLength(1);
  });

  it('refuses the secret in a BatchGetSecretValue, by id list or by filter, and returns the others', async () => {
    const denied = await secret('enforce/batch-denied');
    const open = await secret('enforce/batch-open');
    await quarantine(denied, userArn(INTRUDER));

    const byIds = await sm(INTRUDER).send(new BatchGetSecretValueCommand({ SecretIdList: [denied, open] }));
    const byFilter = await sm(INTRUDER).send(
      new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['enforce/batch-'] }] }),
    );

    for (const out of [byIds, byFilter]) {
      expect(out.SecretValues?.map((v) => v.ARN)).toEqual([open]);
      expect(out.Errors).toMatchObject([{ SecretId: expect.any(String), ErrorCode: 'AccessDeniedException' }]);
    }
  });

  it('keeps a quarantined principal from lifting its own Deny', async () => {
    const arn = await secret('enforce/lift');
    await quarantine(arn, userArn(INTRUDER));

    await expect(sm(INTRUDER).send(new DeleteResourcePolicyCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await expect(
      sm(INTRUDER).send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: '{"Statement":[]}' })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(sm(INTRUDER).send(new GetSecretValueCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('evaluates conditions on the caller: a Deny for everyone but one principal', async () => {
    const arn = await secret('enforce/condition');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OnlyTheColleague',
          Effect: 'Deny',
          Principal: '*',
          Action: 'secretsmanager:Get*',
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [userArn(COLLEAGUE), 'arn:aws:iam::000000000000:root'] } },
        },
      ],
    };
    await t.clients.sm.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: JSON.stringify(policy) }));

    await expect(sm(INTRUDER).send(new GetSecretValueCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect((await sm(COLLEAGUE).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBeDefined();
  });
});

describe('STS GetCallerIdentity, locally', () => {
  it('names the caller a resource policy is evaluated against (SDK)', async () => {
    const sts = (key: string) => new STSClient(config(key));

    expect(await sts(INTRUDER).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: userArn(INTRUDER),
      Account: '000000000000',
      UserId: 'AIDAINTRUDER00000001',
    });
    expect(await sts('local').send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: 'arn:aws:iam::000000000000:root',
      Account: '000000000000',
    });
  });

  it('answers `aws sts get-caller-identity --endpoint-url` (AWS CLI)', async () => {
    const { stdout } = await run(
      '/usr/bin/aws',
      ['sts', 'get-caller-identity', '--endpoint-url', t.cloud.url, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/nonexistent',
          AWS_ACCESS_KEY_ID: INTRUDER,
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );

    expect(JSON.parse(stdout)).toEqual({
      UserId: 'AIDAINTRUDER00000001',
      Account: '000000000000',
      Arn: userArn(INTRUDER),
    });
  });
});

describe('Secrets Manager ValidateResourcePolicy, locally', () => {
  it('passes a quarantine, flags public access and principals with wildcards, refuses what is not JSON', async () => {
    const arn = await secret('enforce/validate');
    const deny = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: userArn(INTRUDER) }, Action: 'secretsmanager:*', Resource: '*' }],
    };
    const publicAllow = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
    };
    const wildcardPrincipal = {
      Statement: [
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::000000000000:user/*' }, Action: '*', Resource: '*' },
      ],
    };

    const check = (policy: unknown) =>
      t.clients.sm.send(new ValidateResourcePolicyCommand({ SecretId: arn, ResourcePolicy: JSON.stringify(policy) }));

    expect(await check(deny)).toMatchObject({ PolicyValidationPassed: true, ValidationErrors: [] });
    expect(await check(publicAllow)).toMatchObject({
      PolicyValidationPassed: false,
      ValidationErrors: [{ CheckName: 'BROAD_ACCESS_CHECK', ErrorMessage: expect.stringContaining('any principal') }],
    });
    expect((await check(wildcardPrincipal)).ValidationErrors?.[0]?.ErrorMessage).toContain('wildcards');
    await expect(
      t.clients.sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: '{"Statement": [' })),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
  });
});

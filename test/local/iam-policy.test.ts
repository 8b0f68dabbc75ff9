// The local cloud's resource-policy evaluation (local/iam/policy.ts): only explicit Denies refuse, as in one account
// without identity policies.
import { describe, expect, it } from 'vitest';
import { callerOf, roleCaller } from '../../local/iam/identity.ts';
import { evaluatePolicy, validatePolicy } from '../../local/iam/policy.ts';

const ACCOUNT = '000000000000';
const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const alice = callerOf('AKIAALICE00000000001', ACCOUNT);
const root = callerOf('local', ACCOUNT);
const session = roleCaller('arn:aws:iam::000000000000:role/smcp/local/app', 'i-1');
const deny = (statement: Record<string, unknown>) => ({
  Statement: [{ Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*', ...statement }],
});
const denied = (policy: object, caller = alice, action = 'secretsmanager:GetSecretValue') =>
  evaluatePolicy(policy, { caller, action, resource: SECRET }).denied;

describe('local resource-policy evaluation', () => {
  it('names callers by exact ARN, by account, by role for its sessions, and everyone by *', () => {
    expect(denied(deny({ Principal: { AWS: alice.arn } }))).toBe(true);
    expect(denied(deny({ Principal: { AWS: alice.arn } }), root)).toBe(false);
    expect(denied(deny({ Principal: { AWS: ACCOUNT } }), root)).toBe(true);
    expect(denied(deny({ Principal: { AWS: 'arn:aws:iam::000000000000:root' } }))).toBe(true);
    expect(denied(deny({ Principal: { AWS: 'arn:aws:iam::000000000000:role/smcp/local/app' } }), session)).toBe(true);
    expect(denied(deny({ Principal: { AWS: session.arn } }), session)).toBe(true);
    expect(denied(deny({ Principal: '*' }), root)).toBe(true);
    expect(denied(deny({ NotPrincipal: { AWS: alice.arn } }))).toBe(false);
    expect(denied(deny({ NotPrincipal: { AWS: alice.arn } }), root)).toBe(true);
    expect(denied(deny({ Principal: { Service: 'lambda.amazonaws.com' } }))).toBe(false);
  });

  it('matches actions case-insensitively with wildcards, and resources with wildcards', () => {
    expect(denied(deny({ Principal: '*', Action: 'SecretsManager:Get*' }))).toBe(true);
    expect(denied(deny({ Principal: '*', Action: 'secretsmanager:Describe*' }))).toBe(false);
    expect(denied(deny({ Principal: '*', NotAction: 'secretsmanager:DescribeSecret' }))).toBe(true);
    expect(denied(deny({ Principal: '*', Resource: 'arn:aws:secretsmanager:*:*:secret:other-*' }))).toBe(false);
    expect(denied(deny({ Principal: '*', NotResource: SECRET }))).toBe(false);
    expect(denied({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] })).toBe(false);
  });

  it('evaluates conditions: negated operators on a missing key hold, IfExists passes, Null tests presence', () => {
    const only = (operator: string, key: string, value: unknown) =>
      deny({ Principal: '*', Condition: { [operator]: { [key]: value } } });

    expect(denied(only('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::000000000000:role/smcp/local/*']))).toBe(true);
    expect(
      denied(only('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::000000000000:role/smcp/local/*']), session),
    ).toBe(false);
    expect(denied(only('StringEquals', 'aws:PrincipalType', 'User'))).toBe(true);
    expect(denied(only('StringEquals', 'aws:PrincipalType', 'User'), root)).toBe(false);
    expect(denied(only('StringEquals', 'aws:username', 'AKIAALICE00000000001'), root)).toBe(false);
    expect(denied(only('StringEqualsIfExists', 'aws:username', 'nobody'), root)).toBe(true);
    expect(denied(only('StringNotEquals', 'aws:username', 'nobody'), root)).toBe(true);
    expect(denied(only('Null', 'aws:username', 'true'), root)).toBe(true);
    expect(denied(only('Null', 'aws:username', 'true'))).toBe(false);
    expect(denied(only('Bool', 'aws:SecureTransport', 'false'))).toBe(true);
    // An operator the local cloud does not evaluate: a Deny with it is taken to apply.
    expect(denied(only('IpAddress', 'aws:SourceIp', '10.0.0.0/8'))).toBe(true);
  });

  it('reports what it cannot evaluate or what AWS would refuse, and nothing for a quarantine', () => {
    const quarantine = JSON.stringify(deny({ Sid: 'SmcpQuarantineX', Principal: { AWS: alice.arn } }));

    expect(validatePolicy(quarantine)).toEqual([]);
    expect(validatePolicy('[1]')).toBeUndefined();
    expect(validatePolicy('not json')).toBeUndefined();
    expect(
      validatePolicy(
        JSON.stringify({ Statement: [{ Effect: 'Maybe', Resource: '*', Condition: { IpAddress: {} } }] }),
      )?.map((e) => e.CheckName),
    ).toEqual(['SYNTAX_CHECK', 'SYNTAX_CHECK', 'SYNTAX_CHECK', 'LOCAL_CLOUD_UNSUPPORTED']);
  });
});

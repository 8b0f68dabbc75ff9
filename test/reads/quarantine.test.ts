import { describe, expect, it } from 'vitest';
import {
  addQuarantine,
  DENIED_ACTIONS,
  quarantinedIn,
  quarantineRefusal,
  removeQuarantine,
  sidFor,
} from '../../functions/reads/domain/quarantine.ts';

const USER = 'arn:aws:iam::123456789012:user/ci-deployer';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/payments-app/i-0abc';
const allow = {
  Sid: 'AppReads',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/app' },
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
};

describe('quarantine policy edits', () => {
  it('adds a Deny for the principal to a secret without a policy', () => {
    const policy = JSON.parse(addQuarantine(undefined, USER));

    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: sidFor(USER),
          Effect: 'Deny',
          Principal: { AWS: USER },
          Action: [
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutResourcePolicy',
            'secretsmanager:DeleteResourcePolicy',
          ],
          Resource: '*',
        },
      ],
    });
    // 128 bits of SHA-256 in base32: 26 characters, alphanumeric as a Sid must be.
    expect(sidFor(USER)).toMatch(/^SmcpQuarantine[A-Z2-7]{26}$/);
  });

  it('keeps the existing statements, including a single Statement object', () => {
    const policy = JSON.parse(addQuarantine(JSON.stringify({ Version: '2012-10-17', Statement: allow }), USER));

    expect(policy.Statement[0]).toEqual(allow);
    expect(policy.Statement).toHaveLength(2);
  });

  it('is idempotent: quarantining twice leaves one statement', () => {
    const twice = addQuarantine(addQuarantine(undefined, USER), USER);

    expect(JSON.parse(twice).Statement).toHaveLength(1);
  });

  it('removes one principal and keeps the others and the owner’s statements', () => {
    const both = addQuarantine(
      addQuarantine(JSON.stringify({ Version: '2012-10-17', Statement: [allow] }), USER),
      SESSION,
    );

    const { policy, removed } = removeQuarantine(both, USER);

    expect(removed).toBe(1);
    expect(quarantinedIn(policy)).toEqual([SESSION]);
    expect(JSON.parse(policy ?? '{}').Statement[0]).toEqual(allow);
  });

  it('removes every quarantine and reports an empty policy as none, to be deleted', () => {
    const { policy, removed } = removeQuarantine(addQuarantine(addQuarantine(undefined, USER), SESSION));

    expect(removed).toBe(2);
    expect(policy).toBeUndefined();
  });

  it('keeps both Denies for two sessions whose ARNs shared a Sid under the old 32-bit hash', () => {
    // FNV-1a-32 of both ARNs is f84e920a: quarantining the second used to replace the first's statement.
    const a = 'arn:aws:sts::000000000000:assumed-role/payments-app/session-315645';
    const b = 'arn:aws:sts::000000000000:assumed-role/payments-app/session-1011300';

    const policy = addQuarantine(addQuarantine(undefined, a), b);

    expect(sidFor(a)).not.toBe(sidFor(b));
    expect(quarantinedIn(policy)).toEqual([a, b]);
    expect(quarantinedIn(removeQuarantine(policy, b).policy)).toEqual([a]);
  });

  it('keeps every Deny when many principals are quarantined, each under its own Sid', () => {
    const principals = Array.from({ length: 500 }, (_, i) =>
      i % 2 ? `arn:aws:sts::000000000000:assumed-role/app/session-${i}` : `arn:aws:iam::000000000000:user/u${i}`,
    );
    let policy: string | undefined;
    for (const principal of principals) policy = addQuarantine(policy, principal);

    const statements = JSON.parse(policy ?? '{}').Statement as { Sid: string; Action: string[] }[];
    expect(quarantinedIn(policy)).toEqual(principals);
    expect(new Set(statements.map((s) => s.Sid)).size).toBe(principals.length);
    expect(statements.every((s) => s.Action.join() === DENIED_ACTIONS.join())).toBe(true);
  });

  it('lifts a quarantine written with an earlier Sid by the principal it names', () => {
    const legacy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'SmcpQuarantine1c2fc8e3', Effect: 'Deny', Principal: { AWS: USER }, Action: ['x'], Resource: '*' },
      ],
    };

    expect(removeQuarantine(JSON.stringify(legacy), USER)).toEqual({ policy: undefined, removed: 1 });
    expect(JSON.parse(addQuarantine(JSON.stringify(legacy), USER)).Statement).toHaveLength(1);
  });
});

describe('quarantinable principals', () => {
  it('accepts users and roles (with paths) and role sessions, named exactly', () => {
    for (const principal of [
      USER,
      SESSION,
      'arn:aws:iam::123456789012:role/smcp/prod/smcp-prod-dispatch-us-east-1-lambdaRole',
      'arn:aws-us-gov:iam::123456789012:user/team/alice@example.com',
    ]) {
      expect(quarantineRefusal(principal), principal).toBeUndefined();
    }
  });

  it('refuses wildcards, the root, services, other ARNs and overlong ARNs, with a reason', () => {
    const refused = {
      'arn:aws:iam::123456789012:user/*': 'wildcard',
      'arn:aws:iam::123456789012:role/*': 'wildcard',
      'arn:aws:iam::123456789012:role/app-?': 'wildcard',
      'arn:aws:sts::123456789012:assumed-role/app/*': 'wildcard',
      'arn:aws:iam::123456789012:root': 'only IAM users, roles and role sessions',
      '*': 'wildcard',
      'lambda.amazonaws.com': 'only IAM users',
      'arn:aws:iam::123456789012:group/admins': 'only IAM users',
      'arn:aws:iam::12345:user/short-account': 'only IAM users',
      'arn:aws:iam::123456789012:user/with space': 'only IAM users',
      [`arn:aws:iam::123456789012:user/${'a'.repeat(5_000)}`]: 'longer than any IAM principal ARN',
      [`arn:aws:iam::123456789012:user/${'p/'.repeat(300)}alice`]: 'path longer than IAM allows',
    };

    for (const [principal, why] of Object.entries(refused)) {
      const refusal = quarantineRefusal(principal);
      expect(refusal, principal.slice(0, 60)).toContain(why);
      expect(refusal?.length ?? 0).toBeLessThan(200);
      expect(() => addQuarantine(undefined, principal)).toThrow(TypeError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { addQuarantine, quarantinedIn, removeQuarantine, sidFor } from '../../functions/reads/domain/quarantine.ts';

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
          Action: ['secretsmanager:GetSecretValue'],
          Resource: '*',
        },
      ],
    });
    expect(sidFor(USER)).toMatch(/^SmcpQuarantine[0-9a-f]{8}$/);
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
});

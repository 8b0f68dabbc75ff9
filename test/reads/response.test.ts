import { describe, expect, it } from 'vitest';
import {
  approvalRequiredBy,
  notificationOf,
  policyOf,
  remediationOf,
  severityOf,
} from '../../functions/reads/domain/response.ts';

const spike = {
  secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
  windowStart: '2026-01-07T10:03:00.000Z',
  windowEnd: '2026-01-07T10:04:00.000Z',
  observed: 105,
  expected: 5,
  score: 0.45,
};

describe('read-anomaly response policy', () => {
  it('rates a 20× burst high, a 5× one medium, a mild one low', () => {
    expect(severityOf(spike)).toBe('high');
    expect(severityOf({ ...spike, observed: 30 })).toBe('medium');
    expect(severityOf({ ...spike, observed: 12 })).toBe('low');
    expect(severityOf({ ...spike, observed: 12, score: 0.65 })).toBe('high');
  });

  it('takes the remediation from the secret’s tag, else the stage default', () => {
    expect(policyOf({ 'smcp:anomaly-response': 'Rotate' }, 'none')).toEqual({ policy: 'rotate', source: 'tag' });
    expect(policyOf({}, 'quarantine')).toEqual({ policy: 'quarantine', source: 'stage' });
    expect(policyOf({ 'smcp:anomaly-response': 'nuke' }, 'none')).toEqual({
      policy: 'none',
      source: 'stage',
      ignoredTag: 'nuke',
    });
  });

  it('quarantines IAM users and role sessions, and escalates the root or a service', () => {
    const user = { principal: 'arn:aws:iam::123456789012:user/ci', count: 100 };
    const session = { principal: 'arn:aws:sts::123456789012:assumed-role/app/i-1', count: 100 };

    expect(remediationOf('quarantine', user).remediation).toBe('quarantine');
    expect(remediationOf('quarantine', session).remediation).toBe('quarantine');
    expect(remediationOf('quarantine', { principal: 'arn:aws:iam::123456789012:root', count: 9 }).remediation).toBe(
      'escalate',
    );
    expect(remediationOf('quarantine', undefined).remediation).toBe('escalate');
    expect(remediationOf('rotate', user).remediation).toBe('rotate');
  });

  it('keeps a quarantine that needs approval a quarantine (the workflow waits), from the tag or the stage default', () => {
    const user = { principal: 'arn:aws:iam::123456789012:user/ci', count: 100 };

    expect(approvalRequiredBy({}, 'required')).toBe(true);
    expect(approvalRequiredBy({ 'smcp:approval': 'none' }, 'required')).toBe(false);
    expect(approvalRequiredBy({ 'smcp:approval': 'Required' }, 'none')).toBe(true);
    expect(remediationOf('quarantine', user, true)).toEqual({
      remediation: 'quarantine',
      reason: 'top reader arn:aws:iam::123456789012:user/ci, once approved',
    });
    expect(remediationOf('rotate', user, true).remediation).toBe('rotate');
  });

  it('still escalates the root or a missing reader when approval is required: nobody is asked to approve those', () => {
    expect(remediationOf('quarantine', { principal: 'arn:aws:iam::123456789012:root', count: 9 }, true)).toMatchObject({
      remediation: 'escalate',
    });
    expect(remediationOf('quarantine', undefined, true)).toEqual({
      remediation: 'escalate',
      reason: 'no principal read in the window',
    });
  });

  it('writes a notification with ids and counts only', () => {
    const { subject, message } = notificationOf({
      spike,
      severity: 'high',
      remediation: 'rotate',
      reason: 'policy is rotate',
      topPrincipals: [{ principal: 'arn:aws:iam::123456789012:user/ci', accessKeyId: 'AKIA1', count: 100 }],
      sourceIps: ['198.51.100.7'],
      regions: ['us-east-1'],
    });

    expect(subject).toBe('[smcp] high read spike on prod/db-AbCdEf');
    expect(message).toContain('100 × arn:aws:iam::123456789012:user/ci (key AKIA1)');
    expect(message).toContain('Reads: 105 (expected about 5)');
  });
});

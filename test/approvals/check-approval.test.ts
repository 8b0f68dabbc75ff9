// Check Approval's rule (domain/record.ts verifyApproval, domain/policy.ts): the record, and only the record, says
// whether the workflow may go on. The end-to-end attacks are in task-token-bypass.test.ts.
import { describe, expect, it } from 'vitest';
import { identityKey, principalName } from '../../functions/approvals/domain/identity.ts';
import { checkApprover } from '../../functions/approvals/domain/policy.ts';
import { type ApprovalRecord, approvalIdIn, verifyApproval } from '../../functions/approvals/domain/record.ts';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:smcp-local-rotation:e-1';
const APPROVED: ApprovalRecord = {
  approvalId: `apr-${'a'.repeat(32)}`,
  taskToken: 'token',
  secretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf',
  action: 'rotate-secret',
  executionArn: EXECUTION,
  requestedBy: 'alice',
  expiresAt: '2026-03-02T12:00:00.000Z',
  status: 'approved',
  decidedBy: 'local-operator',
  decidedAt: '2026-03-01T12:00:00.000Z',
};
const EXPECTED = {
  executionArn: EXECUTION,
  secretId: APPROVED.secretId,
  action: 'rotate-secret',
  allowlist: ['local-operator'],
};

describe('check approval', () => {
  it('lets the workflow go on with the record’s decision', () => {
    expect(verifyApproval(APPROVED, EXPECTED)).toEqual({
      ok: true,
      approval: {
        approvalId: APPROVED.approvalId,
        status: 'approved',
        decidedBy: 'local-operator',
        decidedAt: '2026-03-01T12:00:00.000Z',
      },
    });
  });

  it.each([
    ['no record', undefined, 'no approval record'],
    [
      'another execution’s',
      { ...APPROVED, executionArn: `${EXECUTION}-other` },
      'the approval belongs to another execution',
    ],
    [
      'a record without an execution',
      { ...APPROVED, executionArn: undefined },
      'the approval belongs to another execution',
    ],
    ['another secret’s', { ...APPROVED, secretId: 'other' }, 'the approval is for another secret'],
    ['another action’s', { ...APPROVED, action: 'quarantine-principal' }, 'the approval is for another action'],
    ['a pending record', { ...APPROVED, status: 'pending' }, 'the approval is pending, not approved'],
    ['a rejected record', { ...APPROVED, status: 'rejected' }, 'the approval is rejected, not approved'],
    ['an expired record', { ...APPROVED, status: 'expired' }, 'the approval is expired, not approved'],
    ['an unreadable status', { ...APPROVED, status: 'APPROVED' }, 'the approval is unreadable, not approved'],
    ['no decidedBy', { ...APPROVED, decidedBy: undefined }, 'the approval carries no decision'],
    ['no decidedAt', { ...APPROVED, decidedAt: 'yesterday' }, 'the approval carries no decision'],
    [
      'a decision after the expiry',
      { ...APPROVED, decidedAt: '2026-03-02T12:00:00.000Z' },
      'the approval was decided after it expired',
    ],
    [
      'an approver not on the list (written straight into the table)',
      { ...APPROVED, decidedBy: 'nobody-at-all' },
      'the approver does not pass the policy (approver is not allowed to decide this request)',
    ],
    [
      'the requester as approver',
      { ...APPROVED, decidedBy: 'Local-Operator', requestedBy: 'local-operator\u200b' },
      'the approver does not pass the policy (the requester may not approve their own request)',
    ],
  ])('refuses %s', (_, record, reason) => {
    expect(verifyApproval(record as ApprovalRecord | undefined, EXPECTED)).toEqual({ ok: false, reason });
  });

  it('reads an approval id from the task output only when it has the form of one', () => {
    expect(approvalIdIn({ approvalId: APPROVED.approvalId, decidedBy: 'x' })).toBe(APPROVED.approvalId);
    for (const output of [
      undefined,
      null,
      'approved',
      [APPROVED.approvalId],
      { approvalId: 42 },
      { approvalId: `${APPROVED.approvalId} ` },
      { approvalId: 'apr-../../other' },
      { approvalId: `apr-${'A'.repeat(32)}` },
    ]) {
      expect(approvalIdIn(output), JSON.stringify(output)).toBeUndefined();
    }
  });
});

describe('identity keys', () => {
  it.each([
    ['Local-Operator', 'local-operator'],
    ['local-operator\u200b', 'local-operator'],
    ['\u202elocal-operator\u202c', 'local-operator'],
    ['ｌｏｃａｌ－ｏｐｅｒａｔｏｒ', 'local-operator'],
    ['  local   operator\n', 'local operator'],
    ['STRASSE', 'strasse'],
    ['straße', 'strasse'],
    ['ﬁnance', 'finance'],
  ])('reads %j as %j', (spelling, key) => {
    expect(identityKey(spelling)).toBe(key);
  });

  it('finds the person in a principal ARN, and nobody in the root or a bare role', () => {
    expect(principalName('arn:aws:iam::000000000000:user/team/alice')).toBe('alice');
    expect(principalName('arn:aws:sts::000000000000:assumed-role/Admin/alice@example.com')).toBe('alice@example.com');
    expect(principalName('arn:aws:sts::000000000000:federated-user/bob')).toBe('bob');
    expect(principalName('arn:aws:iam::000000000000:root')).toBeUndefined();
    expect(principalName('arn:aws:iam::000000000000:role/Admin')).toBeUndefined();
    expect(principalName('alice')).toBeUndefined();
  });

  it('compares principals only when they name a person: two root callers are not one requester', () => {
    const root = 'arn:aws:iam::000000000000:root';
    expect(
      checkApprover({
        approver: 'local-operator',
        approverPrincipal: root,
        requestedBy: 'alice',
        requestedByPrincipal: root,
        allowlist: ['local-operator'],
      }),
    ).toEqual({ ok: true, approver: 'local-operator' });
  });
});

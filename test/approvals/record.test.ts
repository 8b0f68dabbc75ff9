import { describe, expect, it } from 'vitest';
import { type ApprovalRecord, decide, withoutTaskToken } from '../../functions/approvals/domain/record.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ALLOWLIST = ['U012ABCDEF'];
const RECORD: ApprovalRecord = {
  approvalId: 'apr-0001',
  taskToken: 'task-token-secret',
  secretId: 'prod/db/password',
  action: 'rotate',
  requestedBy: 'U999ZZZ',
  expiresAt: '2026-03-01T13:00:00.000Z',
  status: 'pending',
  channel: 'slack',
};

describe('approval decision', () => {
  it('approves a pending record for an allowed approver, stamping who and when', () => {
    const result = decide(RECORD, { decision: 'approve', approver: 'U012ABCDEF', now: NOW, allowlist: ALLOWLIST });
    expect(result).toEqual({
      ok: true,
      next: { ...RECORD, status: 'approved', decidedBy: 'U012ABCDEF', decidedAt: '2026-03-01T12:00:00.000Z' },
    });
  });

  it('rejects on request, under the same policy as an approval', () => {
    const result = decide(RECORD, { decision: 'reject', approver: 'U012ABCDEF', now: NOW, allowlist: ALLOWLIST });
    expect(result.ok && result.next.status).toBe('rejected');
    expect(decide(RECORD, { decision: 'reject', approver: 'U999ZZZ', now: NOW, allowlist: ['U999ZZZ'] })).toEqual({
      ok: false,
      reason: 'the requester may not approve their own request',
    });
  });

  it.each(['approved', 'rejected', 'expired'] as const)('refuses a record already %s', (status) => {
    const result = decide(
      { ...RECORD, status },
      { decision: 'approve', approver: 'U012ABCDEF', now: NOW, allowlist: ALLOWLIST },
    );
    expect(result).toEqual({ ok: false, reason: 'already decided' });
  });

  it('refuses a pending record from its expiry instant on', () => {
    const input = { decision: 'approve', approver: 'U012ABCDEF', allowlist: ALLOWLIST } as const;
    expect(decide(RECORD, { ...input, now: new Date('2026-03-01T13:00:00.000Z') })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(decide(RECORD, { ...input, now: new Date('2026-03-01T12:59:59.999Z') }).ok).toBe(true);
  });

  it('treats an unreadable expiry as expired (fail closed)', () => {
    const result = decide(
      { ...RECORD, expiresAt: 'next week' },
      {
        decision: 'approve',
        approver: 'U012ABCDEF',
        now: NOW,
        allowlist: ALLOWLIST,
      },
    );
    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses an unknown decision and a broken clock', () => {
    const base = { approver: 'U012ABCDEF', now: NOW, allowlist: ALLOWLIST };
    expect(decide(RECORD, { ...base, decision: 'maybe' as 'approve' })).toEqual({
      ok: false,
      reason: 'unknown decision',
    });
    expect(decide(RECORD, { ...base, decision: 'approve', now: new Date(Number.NaN) })).toEqual({
      ok: false,
      reason: 'invalid clock',
    });
  });

  it('does not change the record it was given', () => {
    decide(RECORD, { decision: 'approve', approver: 'U012ABCDEF', now: NOW, allowlist: ALLOWLIST });
    expect(RECORD.status).toBe('pending');
  });

  it('drops the task token from the view that may be logged or notified', () => {
    const view = withoutTaskToken(RECORD);
    expect(view).not.toHaveProperty('taskToken');
    expect(JSON.stringify(view)).not.toContain(RECORD.taskToken);
    expect(view.approvalId).toBe(RECORD.approvalId);
  });
});

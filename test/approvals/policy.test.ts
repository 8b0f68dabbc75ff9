import { describe, expect, it } from 'vitest';
import { checkApprover } from '../../functions/approvals/domain/policy.ts';

const ALLOWLIST = ['U012ABCDEF', 'Bob@Example.com', 'carol@example.com'];

describe('approver policy', () => {
  it('lets an allow-listed approver decide someone else’s request', () => {
    expect(checkApprover({ approver: 'U012ABCDEF', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST })).toEqual({
      ok: true,
      approver: 'U012ABCDEF',
    });
  });

  it('compares emails case-insensitively and trims ids, recording the allowlist’s spelling', () => {
    expect(checkApprover({ approver: ' BOB@example.COM ', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST })).toEqual({
      ok: true,
      approver: 'Bob@Example.com',
    });
  });

  it('matches any id whatever its case: one identity has one key (Slack ids are upper-case, so none merge)', () => {
    expect(checkApprover({ approver: 'u012abcdef', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST })).toEqual({
      ok: true,
      approver: 'U012ABCDEF',
    });
  });

  it('refuses self-approval, even by an allow-listed requester spelling their email differently', () => {
    const result = checkApprover({
      approver: 'Carol@Example.com',
      requestedBy: 'carol@example.com',
      allowlist: ALLOWLIST,
    });
    expect(result).toEqual({ ok: false, reason: 'the requester may not approve their own request' });
  });

  it('refuses an approver who is not on the allowlist', () => {
    const result = checkApprover({ approver: 'mallory@example.com', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST });
    expect(result).toEqual({ ok: false, reason: 'approver is not allowed to decide this request' });
  });

  it('lets nobody approve when the allowlist is empty (fail closed)', () => {
    expect(checkApprover({ approver: 'U012ABCDEF', requestedBy: 'U999ZZZ', allowlist: [] })).toEqual({
      ok: false,
      reason: 'no approvers are configured',
    });
    expect(checkApprover({ approver: 'U012ABCDEF', requestedBy: 'U999ZZZ', allowlist: ['', '  '] })).toEqual({
      ok: false,
      reason: 'no approvers are configured',
    });
  });

  it('gives no meaning to wildcards', () => {
    const result = checkApprover({ approver: 'mallory@example.com', requestedBy: 'U999ZZZ', allowlist: ['*'] });
    expect(result).toEqual({ ok: false, reason: 'approver is not allowed to decide this request' });
  });

  it('fails closed on a missing approver or requester', () => {
    expect(checkApprover({ approver: '  ', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST })).toEqual({
      ok: false,
      reason: 'missing approver',
    });
    expect(checkApprover({ approver: undefined, requestedBy: 'U999ZZZ', allowlist: ALLOWLIST })).toEqual({
      ok: false,
      reason: 'missing approver',
    });
    expect(checkApprover({ approver: 'U012ABCDEF', requestedBy: '', allowlist: ALLOWLIST })).toEqual({
      ok: false,
      reason: 'the request has no requester',
    });
  });

  it('does not echo caller-supplied ids in its reasons', () => {
    const result = checkApprover({ approver: 'evil\nINJECTED', requestedBy: 'U999ZZZ', allowlist: ALLOWLIST });
    expect(result.ok ? '' : result.reason).not.toContain('INJECTED');
  });
});

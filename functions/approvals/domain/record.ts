// The approval record and the pure decision on it. The store applies the decision with one conditional write, which
// re-checks "still pending and not expired" so that concurrent callbacks cannot both win.
import { checkApprover } from './policy.ts';

const APPROVAL_STATUSES = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
} as const;
type ApprovalStatus = (typeof APPROVAL_STATUSES)[keyof typeof APPROVAL_STATUSES];

const DECISIONS = { approve: 'approve', reject: 'reject' } as const;
type Decision = (typeof DECISIONS)[keyof typeof DECISIONS];

const CHANNELS = { slack: 'slack', sns: 'sns', local: 'local' } as const;
type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

interface ApprovalRecord {
  readonly approvalId: string;
  /**
   * The Step Functions callback token. Whoever holds it can complete the task, so it lives only in this record: never
   * log it and never put it in a notification (use `withoutTaskToken`).
   */
  readonly taskToken: string;
  readonly secretId: string;
  readonly action: string;
  readonly requestedBy: string;
  readonly reason?: string;
  /** Canonical ISO-8601 UTC (`Date#toISOString`): the store compares it as a string in its condition. */
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly channel?: Channel;
}

/** What may be logged, shown on the console or sent in a notification. */
type PublicApprovalRecord = Omit<ApprovalRecord, 'taskToken'>;

type DecideResult = { ok: true; next: ApprovalRecord } | { ok: false; reason: string };

interface DecideInput {
  readonly decision: Decision;
  readonly approver: string | undefined;
  readonly now: Date;
  readonly allowlist: Iterable<string>;
}

/**
 * True only for the exact form `toISOString` writes. ISO strings order like instants only when they share one form,
 * and the store's `expiresAt > :now` condition relies on that.
 */
const isCanonicalIso = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const date = new Date(value);
  return Number.isFinite(date.getTime()) && date.toISOString() === value;
};

/** Expired from its expiry instant on: the store's condition (`expiresAt > :now`) draws the same line. */
const isExpired = (record: Pick<ApprovalRecord, 'expiresAt'>, now: Date): boolean =>
  !isCanonicalIso(record.expiresAt) || Date.parse(record.expiresAt) <= now.getTime();

const isDecision = (value: unknown): value is Decision => value === DECISIONS.approve || value === DECISIONS.reject;

/** The pending → decided transition, or why it may not happen. Checks run cheapest and least revealing first. */
const decide = (record: ApprovalRecord, { decision, approver, now, allowlist }: DecideInput): DecideResult => {
  if (!Number.isFinite(now.getTime())) return { ok: false, reason: 'invalid clock' };
  if (!isDecision(decision)) return { ok: false, reason: 'unknown decision' };
  if (record.status !== APPROVAL_STATUSES.pending) return { ok: false, reason: 'already decided' };
  // An unreadable expiry counts as expired: fail closed.
  if (isExpired(record, now)) return { ok: false, reason: 'expired' };
  const policy = checkApprover({ approver, requestedBy: record.requestedBy, allowlist });
  if (!policy.ok) return policy;
  return {
    ok: true,
    next: {
      ...record,
      status: decision === DECISIONS.approve ? APPROVAL_STATUSES.approved : APPROVAL_STATUSES.rejected,
      decidedBy: policy.approver,
      decidedAt: now.toISOString(),
    },
  };
};

const withoutTaskToken = (record: ApprovalRecord): PublicApprovalRecord => {
  const { taskToken: _secret, ...rest } = record;
  return rest;
};

export type { ApprovalRecord, ApprovalStatus, Channel, DecideInput, DecideResult, Decision, PublicApprovalRecord };
export { APPROVAL_STATUSES, CHANNELS, DECISIONS, decide, isCanonicalIso, isDecision, isExpired, withoutTaskToken };

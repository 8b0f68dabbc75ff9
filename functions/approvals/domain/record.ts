// The approval record and the pure decision on it. The store applies the decision with one conditional write, which
// re-checks "still pending and not expired" so that concurrent callbacks cannot both win.
import {
  type ApprovalRecord,
  ApprovalStatus,
  CanonicalInstant,
  Channel,
  Decision,
  type PublicApprovalRecord,
} from '../schemas.ts';
import { checkApprover } from './policy.ts';

// The schemas' values as `as const`-style objects: `APPROVAL_STATUSES.pending` reads better than a string literal.
const APPROVAL_STATUSES = ApprovalStatus.def.entries;
const DECISIONS = Decision.def.entries;
const CHANNELS = Channel.def.entries;

type DecideResult = { ok: true; next: ApprovalRecord } | { ok: false; reason: string };

interface DecideInput {
  readonly decision: Decision;
  readonly approver: string | undefined;
  readonly now: Date;
  readonly allowlist: Iterable<string>;
}

/** True only for the exact form `toISOString` writes (see CanonicalInstant). */
const isCanonicalIso = (value: unknown): value is string => CanonicalInstant.safeParse(value).success;

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

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
  /** The approver's AWS principal, when the door knows it. */
  readonly approverPrincipal?: string | undefined;
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
const decide = (
  record: ApprovalRecord,
  { decision, approver, approverPrincipal, now, allowlist }: DecideInput,
): DecideResult => {
  if (!Number.isFinite(now.getTime())) return { ok: false, reason: 'invalid clock' };
  if (!isDecision(decision)) return { ok: false, reason: 'unknown decision' };
  if (record.status !== APPROVAL_STATUSES.pending) return { ok: false, reason: 'already decided' };
  // An unreadable expiry counts as expired: fail closed.
  if (isExpired(record, now)) return { ok: false, reason: 'expired' };
  const policy = checkApprover({
    approver,
    approverPrincipal,
    requestedBy: record.requestedBy,
    requestedByPrincipal: record.requestedByPrincipal,
    allowlist,
  });
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

/** What a record's id looks like (steps/request-approval.ts `approvalIdFor`): anything else names no record. */
const APPROVAL_ID = /^apr-[0-9a-f]{32}$/;

/** The approval id a waiting task's output points at, if it names one; the output proves nothing else. */
const approvalIdIn = (callback: unknown): string | undefined => {
  if (callback === null || typeof callback !== 'object' || Array.isArray(callback)) return undefined;
  const { approvalId } = callback as { approvalId?: unknown };
  return typeof approvalId === 'string' && APPROVAL_ID.test(approvalId) ? approvalId : undefined;
};

interface ApprovalExpectation {
  readonly executionArn: string;
  readonly secretId: string;
  readonly action: string;
  readonly allowlist: Iterable<string>;
}

/** What the step after the wait may go on with: the decision as the record has it. */
interface VerifiedApproval {
  readonly approvalId: string;
  readonly status: typeof APPROVAL_STATUSES.approved;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

type ApprovalVerdict = { ok: true; approval: VerifiedApproval } | { ok: false; reason: string };

/**
 * Check Approval's rule: the record must belong to the waiting execution, its secret and its action, say `approved`,
 * and carry a decision the decide step could have written (an allowed approver who is not the requester, decided
 * before the expiry). Anything else is a rejection, whatever the task's output said. Fixed reasons only.
 */
const verifyApproval = (record: ApprovalRecord | undefined, expected: ApprovalExpectation): ApprovalVerdict => {
  if (record === undefined) return { ok: false, reason: 'no approval record' };
  if (record.executionArn !== expected.executionArn)
    return { ok: false, reason: 'the approval belongs to another execution' };
  if (record.secretId !== expected.secretId) return { ok: false, reason: 'the approval is for another secret' };
  if (record.action !== expected.action) return { ok: false, reason: 'the approval is for another action' };
  if (record.status !== APPROVAL_STATUSES.approved) {
    const status = ApprovalStatus.safeParse(record.status).success ? record.status : 'unreadable';
    return { ok: false, reason: `the approval is ${status}, not approved` };
  }
  const { decidedBy, decidedAt } = record;
  if (!isCanonicalIso(decidedAt) || typeof decidedBy !== 'string' || decidedBy === '') {
    return { ok: false, reason: 'the approval carries no decision' };
  }
  if (isExpired(record, new Date(decidedAt))) return { ok: false, reason: 'the approval was decided after it expired' };
  const policy = checkApprover({
    approver: decidedBy,
    requestedBy: record.requestedBy,
    requestedByPrincipal: record.requestedByPrincipal,
    allowlist: expected.allowlist,
  });
  if (!policy.ok) return { ok: false, reason: `the approver does not pass the policy (${policy.reason})` };
  return {
    ok: true,
    approval: { approvalId: record.approvalId, status: APPROVAL_STATUSES.approved, decidedBy, decidedAt },
  };
};

const withoutTaskToken = (record: ApprovalRecord): PublicApprovalRecord => {
  const { taskToken: _secret, ...rest } = record;
  return rest;
};

export type {
  ApprovalExpectation,
  ApprovalRecord,
  ApprovalStatus,
  ApprovalVerdict,
  Channel,
  DecideInput,
  DecideResult,
  Decision,
  PublicApprovalRecord,
  VerifiedApproval,
};
export {
  APPROVAL_ID,
  APPROVAL_STATUSES,
  approvalIdIn,
  CHANNELS,
  DECISIONS,
  decide,
  isCanonicalIso,
  isDecision,
  isExpired,
  verifyApproval,
  withoutTaskToken,
};

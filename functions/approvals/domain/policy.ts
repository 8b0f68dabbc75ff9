// Who may decide an approval. Pure: the allowlist comes from configuration, the identities from a verified callback.
//
// Fail closed: an empty allowlist means NOBODY may approve (not "anybody"). A stage that forgot to configure approvers
// must leave requests pending until they time out (a timeout counts as a rejection), never let them through.
// There are no wildcards: '*' is an id like any other and matches only an approver literally called '*'.
//
// Every comparison is between identity keys (identity.ts: NFKC, case-folded, invisible characters removed), so a
// variant spelling of one's own name is still one's own name. Where the request knows the requester's AWS principal
// (the caller identity behind `smcp rotate`), that principal is compared too: with the approver's principal when the
// door knows it, and by its name with the approver's name.
import { identityKey, principalName } from './identity.ts';

type PolicyResult = { ok: true; approver: string } | { ok: false; reason: string };

interface ApproverCheck {
  /** The identity that clicked: a Slack user id (`U…`/`W…`), an email, or a local operator name. */
  readonly approver: string | undefined;
  /** The identity that asked for the change. */
  readonly requestedBy: string | undefined;
  readonly allowlist: Iterable<string>;
  /** The approver's AWS principal ARN, when the door knows it. */
  readonly approverPrincipal?: string | undefined;
  /** The requester's AWS principal ARN, when the request recorded it. */
  readonly requestedByPrincipal?: string | undefined;
}

/** The allowlist by identity key, each entry with its spelling as configured (what `decidedBy` records). */
const normaliseAllowlist = (allowlist: Iterable<string>): ReadonlyMap<string, string> => {
  const entries = new Map<string, string>();
  for (const entry of allowlist) {
    const key = identityKey(entry);
    // A blank entry (a stray comma in a config list) must not match a blank approver.
    if (key !== '' && !entries.has(key)) entries.set(key, entry.trim());
  }
  return entries;
};

/** The allowlist as configured (`APPROVERS`): comma-separated ids. Unset is empty, and empty means nobody. */
const allowlistOf = (setting: string | undefined): string[] => (setting ?? '').split(',');

/**
 * Every key a person is known by: the name they gave and, when their principal names one person (an IAM user, a role
 * session, a federated user), that principal and the name inside it. The account root and a role without a session
 * name nobody in particular (locally, every key but an AKIA one signs as root), so they add nothing.
 */
const keysOf = (name: string | undefined, principal: string | undefined): Set<string> => {
  const person = principalName(principal);
  const keys = [identityKey(name), ...(person === undefined ? [] : [identityKey(principal), identityKey(person)])];
  return new Set(keys.filter((k) => k !== ''));
};

/**
 * Reasons are fixed strings: they never echo the approver or requester, which come from request payloads and would
 * otherwise let a caller write what they like into logs and replies.
 */
const checkApprover = ({
  approver,
  requestedBy,
  allowlist,
  approverPrincipal,
  requestedByPrincipal,
}: ApproverCheck): PolicyResult => {
  const who = identityKey(approver);
  if (who === '') return { ok: false, reason: 'missing approver' };
  // Without a requester we cannot rule out self-approval.
  if (identityKey(requestedBy) === '') return { ok: false, reason: 'the request has no requester' };
  const requester = keysOf(requestedBy, requestedByPrincipal);
  const approving = keysOf(approver, approverPrincipal);
  for (const key of approving) {
    if (requester.has(key)) return { ok: false, reason: 'the requester may not approve their own request' };
  }
  const allowed = normaliseAllowlist(allowlist);
  if (allowed.size === 0) return { ok: false, reason: 'no approvers are configured' };
  const entry = allowed.get(who);
  if (entry === undefined) return { ok: false, reason: 'approver is not allowed to decide this request' };
  return { ok: true, approver: entry };
};

export type { ApproverCheck, PolicyResult };
export { allowlistOf, checkApprover, identityKey };

// Who may decide an approval. Pure: the allowlist comes from configuration, the identities from a verified callback.
//
// Fail closed: an empty allowlist means NOBODY may approve (not "anybody"). A stage that forgot to configure approvers
// must leave requests pending until they time out (a timeout counts as a rejection), never let them through.
// There are no wildcards: '*' is an id like any other and matches only an approver literally called '*'.

type PolicyResult = { ok: true; approver: string } | { ok: false; reason: string };

interface ApproverCheck {
  /** The identity that clicked: a Slack user id (`U…`/`W…`), an email, or a local operator name. */
  readonly approver: string | undefined;
  /** The identity that asked for the change. */
  readonly requestedBy: string | undefined;
  readonly allowlist: Iterable<string>;
}

/**
 * Trims, and lower-cases emails (their domain part is case-insensitive and mail providers treat the local part so).
 * Other ids stay as they are: Slack user ids are upper-case and case-sensitive.
 */
const normaliseId = (id: string): string => {
  const trimmed = id.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed;
};

const normaliseAllowlist = (allowlist: Iterable<string>): ReadonlySet<string> => {
  const entries = new Set<string>();
  for (const entry of allowlist) {
    const id = normaliseId(entry);
    // A blank entry (a stray comma in a config list) must not match a blank approver.
    if (id !== '') entries.add(id);
  }
  return entries;
};

/** The allowlist as configured (`APPROVERS`): comma-separated ids. Unset is empty, and empty means nobody. */
const allowlistOf = (setting: string | undefined): string[] => (setting ?? '').split(',');

/**
 * Reasons are fixed strings: they never echo the approver or requester, which come from request payloads and would
 * otherwise let a caller write what they like into logs and replies.
 */
const checkApprover = ({ approver, requestedBy, allowlist }: ApproverCheck): PolicyResult => {
  const who = typeof approver === 'string' ? normaliseId(approver) : '';
  if (who === '') return { ok: false, reason: 'missing approver' };
  const requester = typeof requestedBy === 'string' ? normaliseId(requestedBy) : '';
  // Without a requester we cannot rule out self-approval.
  if (requester === '') return { ok: false, reason: 'the request has no requester' };
  if (who === requester) return { ok: false, reason: 'the requester may not approve their own request' };
  const allowed = normaliseAllowlist(allowlist);
  if (allowed.size === 0) return { ok: false, reason: 'no approvers are configured' };
  if (!allowed.has(who)) return { ok: false, reason: 'approver is not allowed to decide this request' };
  return { ok: true, approver: who };
};

export type { ApproverCheck, PolicyResult };
export { allowlistOf, checkApprover, normaliseId };

// Quarantine as a resource-policy edit: add a Deny statement for one principal, merged with whatever policy the
// secret already has, and remove it again. Statements are found by their Sid, so both are idempotent. Pure.

interface PolicyStatement {
  readonly Sid?: string;
  readonly [key: string]: unknown;
}

interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly PolicyStatement[];
  readonly [key: string]: unknown;
}

const SID_PREFIX = 'SmcpQuarantine';
// What a quarantined principal may no longer do with this secret.
// BatchGetSecretValue checks GetSecretValue on each secret, so this one action covers both ways of reading.
const DENIED_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/** A stable, policy-legal Sid per principal (Sids are alphanumeric): FNV-1a of the ARN, in hex. */
const sidFor = (principalArn: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < principalArn.length; i++) {
    h ^= principalArn.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${SID_PREFIX}${h.toString(16).padStart(8, '0')}`;
};

const parsePolicy = (policy: string | undefined): PolicyDocument => {
  if (!policy) return { Version: '2012-10-17', Statement: [] };
  const doc = JSON.parse(policy) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements };
};

/** The policy with a Deny for `principalArn` (replacing an earlier one for the same principal). */
const addQuarantine = (policy: string | undefined, principalArn: string): string => {
  const doc = parsePolicy(policy);
  const sid = sidFor(principalArn);
  const statement = {
    Sid: sid,
    Effect: 'Deny',
    Principal: { AWS: principalArn },
    Action: [...DENIED_ACTIONS],
    Resource: '*',
  };
  return JSON.stringify({ ...doc, Statement: [...doc.Statement.filter((s) => s.Sid !== sid), statement] });
};

/**
 * The policy without the quarantine of `principalArn` (or of everyone, when omitted); undefined when nothing is left,
 * so the caller deletes the policy rather than storing an empty one.
 */
const removeQuarantine = (
  policy: string | undefined,
  principalArn?: string,
): { policy: string | undefined; removed: number } => {
  const doc = parsePolicy(policy);
  const drop = (s: PolicyStatement) =>
    principalArn === undefined ? (s.Sid ?? '').startsWith(SID_PREFIX) : s.Sid === sidFor(principalArn);
  const kept = doc.Statement.filter((s) => !drop(s));
  const removed = doc.Statement.length - kept.length;
  return { policy: kept.length === 0 ? undefined : JSON.stringify({ ...doc, Statement: kept }), removed };
};

/** Principals currently quarantined by smcp in a policy. */
const quarantinedIn = (policy: string | undefined): string[] =>
  parsePolicy(policy)
    .Statement.filter((s) => (s.Sid ?? '').startsWith(SID_PREFIX))
    .flatMap((s) => [(s.Principal as { AWS?: string | string[] } | undefined)?.AWS ?? []].flat());

export type { PolicyDocument };
export { addQuarantine, DENIED_ACTIONS, quarantinedIn, removeQuarantine, sidFor };

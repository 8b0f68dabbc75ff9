// Quarantine as a resource-policy edit: add a Deny statement for one principal, merged with whatever policy the
// secret already has, and remove it again. A quarantine is found by its Sid prefix and the principal it names, so both
// edits are idempotent and one principal's statement can never stand in for another's. Pure.
import { createHash } from 'node:crypto';

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
// What a quarantined principal may no longer do with this secret: read it (BatchGetSecretValue checks GetSecretValue
// on each secret, so one action covers both ways of reading), nor lift its own Deny by rewriting or deleting the
// resource policy, should its IAM policy allow that.
const DENIED_ACTIONS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
] as const;

// Secrets Manager accepts resource policies up to 20,480 characters: a quarantine that would not fit is refused.
const MAX_POLICY_CHARS = 20_480;

// RFC 4648 base32 without padding: upper-case letters and digits 2–7, all legal in a Sid (alphanumeric only).
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const base32 = (bytes: Uint8Array): string => {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
};

/**
 * A stable, policy-legal Sid per principal: the first 128 bits of the ARN's SHA-256, in base32 (26 characters). Two
 * principals would need a SHA-256 collision on 128 bits to share one; the 32-bit hash it replaces collided between two
 * assumed-role sessions within a second, and quarantining one lifted the other's Deny.
 */
const sidFor = (principalArn: string): string =>
  `${SID_PREFIX}${base32(createHash('sha256').update(principalArn, 'utf8').digest().subarray(0, 16))}`;

// --- Which principals a Deny may name ----------------------------------------------------------------------------
// IAM's own grammar, without its wildcards: a user or role (with an optional path) or an assumed-role session. Names
// and path segments use IAM's character set ([\w+=,.@-]); `*` and `?` never match, so `user/*` or `role/*` (every user
// or role of the account) cannot be denied by accident, nor can the account root or a service (that would lock out
// the whole account: a human decides).
const NAME = '[\\w+=,.@-]';
const PARTITION = 'aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?';
const USER_OR_ROLE = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(user|role)/((?:${NAME}{1,512}/)*)(${NAME}{1,64})$`);
const SESSION = new RegExp(`^arn:${PARTITION}:sts::\\d{12}:assumed-role/(${NAME}{1,64})/(${NAME}{2,64})$`);
/** IAM paths are at most 512 characters (the slashes included); with names and the prefix, 700 bounds any ARN. */
const MAX_PATH = 512;
const MAX_PRINCIPAL_ARN = 700;

/** Why `principal` cannot be named in a quarantine Deny, or undefined when it can. Never quotes more than 80 chars. */
const quarantineRefusal = (principal: string): string | undefined => {
  const shown = principal.length > 80 ? `${principal.slice(0, 80)}… (${principal.length} characters)` : principal;
  if (principal.length > MAX_PRINCIPAL_ARN) return `${shown} is longer than any IAM principal ARN`;
  if (/[*?]/.test(principal)) return `${shown} contains a wildcard: a Deny must name exactly one principal`;
  const userOrRole = USER_OR_ROLE.exec(principal);
  if (userOrRole) {
    return `/${userOrRole[2] ?? ''}`.length > MAX_PATH ? `${shown} has a path longer than IAM allows` : undefined;
  }
  if (SESSION.test(principal)) return undefined;
  return `${shown} cannot be quarantined by a resource policy (only IAM users, roles and role sessions)`;
};

const canQuarantine = (principal: string): boolean => quarantineRefusal(principal) === undefined;

const parsePolicy = (policy: string | undefined): PolicyDocument => {
  if (!policy) return { Version: '2012-10-17', Statement: [] };
  const doc = JSON.parse(policy) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements };
};

const isQuarantine = (s: PolicyStatement) => (s.Sid ?? '').startsWith(SID_PREFIX);
const principalsOf = (s: PolicyStatement): string[] =>
  [(s.Principal as { AWS?: string | string[] } | undefined)?.AWS ?? []].flat();
/** smcp's quarantine of exactly `principalArn`, whatever Sid it was written with (earlier versions used another). */
const quarantines = (s: PolicyStatement, principalArn: string) =>
  isQuarantine(s) && principalsOf(s).includes(principalArn);

/** The policy with a Deny for `principalArn` (replacing an earlier one for the same principal). */
const addQuarantine = (policy: string | undefined, principalArn: string): string => {
  const refusal = quarantineRefusal(principalArn);
  if (refusal) throw new TypeError(refusal);
  const doc = parsePolicy(policy);
  const statement = {
    Sid: sidFor(principalArn),
    Effect: 'Deny',
    Principal: { AWS: principalArn },
    Action: [...DENIED_ACTIONS],
    Resource: '*',
  };
  return JSON.stringify({
    ...doc,
    Statement: [...doc.Statement.filter((s) => !quarantines(s, principalArn)), statement],
  });
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
  const drop = (s: PolicyStatement) => (principalArn === undefined ? isQuarantine(s) : quarantines(s, principalArn));
  const kept = doc.Statement.filter((s) => !drop(s));
  const removed = doc.Statement.length - kept.length;
  return { policy: kept.length === 0 ? undefined : JSON.stringify({ ...doc, Statement: kept }), removed };
};

/** Principals currently quarantined by smcp in a policy. */
const quarantinedIn = (policy: string | undefined): string[] =>
  parsePolicy(policy).Statement.filter(isQuarantine).flatMap(principalsOf);

export type { PolicyDocument };
export {
  addQuarantine,
  canQuarantine,
  DENIED_ACTIONS,
  MAX_POLICY_CHARS,
  quarantinedIn,
  quarantineRefusal,
  removeQuarantine,
  sidFor,
};

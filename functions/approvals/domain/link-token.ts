// Approve/reject links for SNS emails: `base64url(JSON claims) + '.' + base64url(HMAC-SHA256(key, first part))`.
// The MAC covers the encoded payload, so verification never depends on how JSON is re-serialised, and the payload is
// parsed only after it is authenticated. Single use is the store's job (an approval is decided once), not the token's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../../shared/errors.ts';
import { LinkClaims } from '../schemas.ts';

/** HMAC-SHA256 keys shorter than the hash output weaken it; a short key is a deployment mistake. */
const MIN_KEY_BYTES = 32;
// Links sit in URLs and emails; a cap keeps a hostile caller from making us hash megabytes.
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAC_BYTES = 32;

type LinkKey = string | Uint8Array;
type LinkVerification = { ok: true; claims: LinkClaims } | { ok: false; reason: string };

const keyBytes = (key: LinkKey): Buffer =>
  typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key.buffer, key.byteOffset, key.byteLength);

const mac = (payload: string, key: Buffer): Buffer => createHmac('sha256', key).update(payload).digest();

/** Strict base64url: only the alphabet, and only the canonical spelling (Node's decoder silently skips junk). */
const decodeBase64Url = (part: string): Buffer | undefined => {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
};

// Why a token's claims are refused, by the first claim that is wrong (in this order).
const CLAIM_PROBLEMS = [
  ['approvalId', 'token has no approval id'],
  ['decision', 'token has an unknown decision'],
  ['approver', 'token has an invalid approver'],
  ['expiresAt', 'token has an invalid expiry'],
  ['nonce', 'token has no nonce'],
] as const satisfies readonly (readonly [keyof LinkClaims, string])[];

/**
 * The claims with only the known fields (nothing unexpected travels on from a payload), or the reason for the first
 * thing wrong with them.
 */
const readClaims = (claims: unknown): { ok: true; claims: LinkClaims } | { ok: false; reason: string } => {
  const parsed = LinkClaims.safeParse(claims);
  if (parsed.success) return { ok: true, claims: parsed.data };
  const wrong = new Set(parsed.error.issues.map((issue) => issue.path[0]));
  const [, reason = 'malformed token payload'] = CLAIM_PROBLEMS.find(([field]) => wrong.has(field)) ?? [];
  return { ok: false, reason };
};

/** Throws on a short key or malformed claims: minting a link that can never verify is a bug, not a user error. */
const signLinkToken = (claims: LinkClaims, key: LinkKey): string => {
  const secret = keyBytes(key);
  if (secret.length < MIN_KEY_BYTES) {
    throw new ConfigurationError(`The approval link key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  const read = readClaims(claims);
  if (!read.ok) throw new TypeError(`Cannot sign an approval link: ${read.reason}`);
  const payload = Buffer.from(JSON.stringify(read.claims), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
};

const fail = (reason: string): LinkVerification => ({ ok: false, reason });

const verifyLinkToken = (token: unknown, key: LinkKey, now: Date): LinkVerification => {
  const secret = keyBytes(key);
  if (secret.length < MIN_KEY_BYTES) return fail('link key is not configured');
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) return fail('invalid clock');
  if (typeof token !== 'string' || token === '') return fail('missing token');
  if (token.length > MAX_TOKEN_LENGTH) return fail('malformed token');
  const parts = token.split('.');
  if (parts.length !== 2) return fail('malformed token');
  const [payload = '', signature = ''] = parts;
  const received = decodeBase64Url(signature);
  // timingSafeEqual throws on different lengths: check first (the length of a MAC is no secret).
  if (decodeBase64Url(payload) === undefined || received?.length !== MAC_BYTES) return fail('malformed token');
  if (!timingSafeEqual(received, mac(payload, secret))) return fail('signature mismatch');

  // Authenticated from here on: a failure below means we signed something odd, still a rejection.
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return fail('malformed token payload');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return fail('malformed token payload');
  const read = readClaims(claims);
  if (!read.ok) return read;
  if (Date.parse(read.claims.expiresAt) <= now.getTime()) return fail('link expired');
  return read;
};

export type { LinkClaims, LinkKey, LinkVerification };
export { MIN_KEY_BYTES, signLinkToken, verifyLinkToken };

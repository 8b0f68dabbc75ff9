import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type LinkClaims, signLinkToken, verifyLinkToken } from '../../functions/approvals/domain/link-token.ts';

const KEY = 'k'.repeat(32);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const CLAIMS: LinkClaims = {
  approvalId: 'apr-0001',
  decision: 'approve',
  approver: 'alice@example.com',
  expiresAt: '2026-03-01T13:00:00.000Z',
  nonce: 'n-5c1f',
};

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** Signs any payload text, so malformed-but-authentic payloads reach the checks after the MAC. */
const forge = (payloadText: string, key = KEY) => {
  const payload = b64(payloadText);
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
};
const reasonOf = (token: unknown, key = KEY, now = NOW) => {
  const result = verifyLinkToken(token, key, now);
  return result.ok ? 'ok' : result.reason;
};

describe('approval link tokens', () => {
  it('round-trips the claims of a link that has not expired', () => {
    const token = signLinkToken(CLAIMS, KEY);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyLinkToken(token, KEY, NOW)).toEqual({ ok: true, claims: CLAIMS });
  });

  it('works without an approver in the link and with a key given as bytes', () => {
    const { approver: _, ...claims } = CLAIMS;
    const key = new Uint8Array(32).fill(7);
    expect(verifyLinkToken(signLinkToken(claims, key), key, NOW)).toEqual({ ok: true, claims });
  });

  it('rejects a link whose approval id was changed (the signature no longer matches)', () => {
    const [, signature] = signLinkToken(CLAIMS, KEY).split('.');
    const tampered = `${b64(JSON.stringify({ ...CLAIMS, approvalId: 'apr-0002' }))}.${signature}`;
    expect(reasonOf(tampered)).toBe('signature mismatch');
  });

  it('rejects a reject link turned into an approve link', () => {
    const [, signature] = signLinkToken({ ...CLAIMS, decision: 'reject' }, KEY).split('.');
    expect(reasonOf(`${b64(JSON.stringify(CLAIMS))}.${signature}`)).toBe('signature mismatch');
  });

  it('rejects a tampered signature', () => {
    const token = signLinkToken(CLAIMS, KEY);
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.slice(-1);
    expect(reasonOf(flipped)).toBe('signature mismatch');
  });

  it('rejects a link signed with another key', () => {
    expect(reasonOf(signLinkToken(CLAIMS, 'x'.repeat(32)))).toBe('signature mismatch');
  });

  it('rejects an expired link, from its expiry instant on', () => {
    const token = signLinkToken(CLAIMS, KEY);
    expect(reasonOf(token, KEY, new Date('2026-03-01T13:00:00.000Z'))).toBe('link expired');
    expect(reasonOf(token, KEY, new Date('2026-03-02T00:00:00.000Z'))).toBe('link expired');
    expect(reasonOf(token, KEY, new Date('2026-03-01T12:59:59.999Z'))).toBe('ok');
  });

  it.each([
    ['an empty token', ''],
    ['a non-string token', 42],
  ])('rejects %s as missing', (_, token) => {
    expect(reasonOf(token)).toBe('missing token');
  });

  it.each([
    ['one part', 'abc'],
    ['three parts', `${signLinkToken(CLAIMS, KEY)}.x`],
    ['an empty signature', `${b64('{}')}.`],
    ['characters outside base64url', `${b64('{}')}.+/==`],
    ['padding', `${signLinkToken(CLAIMS, KEY)}=`],
    ['a short signature', `${b64('{}')}.AAAA`],
    ['an oversized token', `${'A'.repeat(5000)}.${'A'.repeat(43)}`],
  ])('rejects %s as malformed', (_, token) => {
    expect(reasonOf(token)).toBe('malformed token');
  });

  it('rejects a non-canonical base64url spelling of a valid signature', () => {
    const token = signLinkToken(CLAIMS, KEY);
    // 32 bytes in 43 chars leave 2 spare bits in the last char; Node's decoder ignores them, we do not.
    const last = token.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    expect(reasonOf(token.slice(0, -1) + sibling)).toBe('malformed token');
  });

  it.each([
    ['not JSON', 'not json', 'malformed token payload'],
    ['a JSON array', '[]', 'malformed token payload'],
    ['JSON null', 'null', 'malformed token payload'],
    ['no approval id', JSON.stringify({ ...CLAIMS, approvalId: undefined }), 'token has no approval id'],
    ['a numeric approval id', JSON.stringify({ ...CLAIMS, approvalId: 7 }), 'token has no approval id'],
    ['an unknown decision', JSON.stringify({ ...CLAIMS, decision: 'escalate' }), 'token has an unknown decision'],
    ['an upper-case decision', JSON.stringify({ ...CLAIMS, decision: 'APPROVE' }), 'token has an unknown decision'],
    ['a numeric approver', JSON.stringify({ ...CLAIMS, approver: 1 }), 'token has an invalid approver'],
    ['an expiry in seconds', JSON.stringify({ ...CLAIMS, expiresAt: 1_900_000_000 }), 'token has an invalid expiry'],
    [
      'a non-canonical expiry',
      JSON.stringify({ ...CLAIMS, expiresAt: '2026-03-01T13:00:00Z' }),
      'token has an invalid expiry',
    ],
    ['no nonce', JSON.stringify({ ...CLAIMS, nonce: '' }), 'token has no nonce'],
  ])('rejects an authentic payload with %s', (_, payload, reason) => {
    expect(reasonOf(forge(payload))).toBe(reason);
  });

  it('returns only the known claims of an authentic payload', () => {
    const result = verifyLinkToken(forge(JSON.stringify({ ...CLAIMS, admin: true })), KEY, NOW);
    expect(result).toEqual({ ok: true, claims: CLAIMS });
  });

  it('fails closed on a short key, and refuses to mint links with one or with bad claims', () => {
    expect(reasonOf(signLinkToken(CLAIMS, KEY), 'short')).toBe('link key is not configured');
    expect(() => signLinkToken(CLAIMS, 'short')).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
    expect(() => signLinkToken({ ...CLAIMS, expiresAt: 'tomorrow' }, KEY)).toThrow(TypeError);
    expect(() => signLinkToken({ ...CLAIMS, decision: 'maybe' as 'approve' }, KEY)).toThrow(TypeError);
  });

  it('never puts the key in a reason or an error', () => {
    const canary = 'CANARY-link-key-0123456789abcdefghij';
    const token = signLinkToken(CLAIMS, canary);
    const reasons = [
      reasonOf(token),
      reasonOf(token, canary, new Date('2030-01-01T00:00:00.000Z')),
      reasonOf('x', canary),
    ];
    for (const reason of reasons) expect(reason).not.toContain(canary);
    expect(() => signLinkToken({ ...CLAIMS, nonce: '' }, canary)).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining(canary) }),
    );
  });
});

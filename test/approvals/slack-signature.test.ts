import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySlackRequest } from '../../functions/approvals/domain/slack-signature.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const BODY = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

const sign = (timestamp: string | number, body: string | Uint8Array, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;

const request = (overrides: { timestamp?: number; body?: string; headers?: Record<string, string> } = {}) => {
  const timestamp = overrides.timestamp ?? NOW_SECONDS;
  const rawBody = overrides.body ?? BODY;
  return {
    signingSecret: SECRET,
    rawBody,
    now: NOW,
    headers: overrides.headers ?? {
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': sign(timestamp, rawBody),
    },
  };
};

describe('slack request verification', () => {
  it('accepts a request signed with the signing secret', () => {
    expect(verifySlackRequest(request())).toEqual({ ok: true });
  });

  it('finds the headers whatever their case (Node lower-cases them, API Gateway may not)', () => {
    const ts = String(NOW_SECONDS);
    const headers = { 'x-slack-request-timestamp': ts, 'X-SLACK-SIGNATURE': sign(ts, BODY) };
    expect(verifySlackRequest({ ...request(), headers })).toEqual({ ok: true });
  });

  it('accepts a body given as bytes, and a header given as a one-element array', () => {
    const bytes = new TextEncoder().encode(BODY);
    const headers = {
      'x-slack-request-timestamp': [String(NOW_SECONDS)],
      'x-slack-signature': sign(NOW_SECONDS, BODY),
    };
    expect(verifySlackRequest({ ...request(), rawBody: bytes, headers })).toEqual({ ok: true });
  });

  it('rejects a signature made with another secret', () => {
    const headers = {
      'X-Slack-Request-Timestamp': String(NOW_SECONDS),
      'X-Slack-Signature': sign(NOW_SECONDS, BODY, 'another-secret'),
    };
    expect(verifySlackRequest({ ...request(), headers })).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('rejects a body changed after signing', () => {
    const signed = request();
    expect(verifySlackRequest({ ...signed, rawBody: `${BODY}&x=1` })).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('rejects a timestamp changed after signing, even inside the window', () => {
    const headers = {
      'X-Slack-Request-Timestamp': String(NOW_SECONDS - 10),
      'X-Slack-Signature': sign(NOW_SECONDS, BODY),
    };
    expect(verifySlackRequest({ ...request(), headers })).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('rejects a stale timestamp, however well signed', () => {
    const result = verifySlackRequest(request({ timestamp: NOW_SECONDS - 301 }));
    expect(result).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
  });

  it('rejects a timestamp from the future, however well signed', () => {
    const result = verifySlackRequest(request({ timestamp: NOW_SECONDS + 301 }));
    expect(result).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
  });

  it('accepts the edges of the window (exactly five minutes either way)', () => {
    expect(verifySlackRequest(request({ timestamp: NOW_SECONDS - 300 }))).toEqual({ ok: true });
    expect(verifySlackRequest(request({ timestamp: NOW_SECONDS + 300 }))).toEqual({ ok: true });
  });

  it.each([
    ['no signature', { 'X-Slack-Request-Timestamp': String(NOW_SECONDS) }, 'missing X-Slack-Signature'],
    [
      'an empty signature',
      { 'X-Slack-Request-Timestamp': String(NOW_SECONDS), 'X-Slack-Signature': '' },
      'missing X-Slack-Signature',
    ],
    ['no timestamp', { 'X-Slack-Signature': sign(NOW_SECONDS, BODY) }, 'missing X-Slack-Request-Timestamp'],
    ['no headers at all', {}, 'missing X-Slack-Signature'],
  ])('fails closed on %s', (_, headers, reason) => {
    expect(verifySlackRequest({ ...request(), headers })).toEqual({ ok: false, reason });
  });

  it.each([
    ['a non-numeric timestamp', 'soon'],
    ['a negative timestamp', '-1'],
    ['a fractional timestamp', `${NOW_SECONDS}.5`],
    ['a timestamp in milliseconds padded past 12 digits', `${NOW_SECONDS}000`],
    ['a timestamp with spaces', ` ${NOW_SECONDS}`],
  ])('fails closed on %s', (_, timestamp) => {
    const headers = { 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': sign(timestamp, BODY) };
    expect(verifySlackRequest({ ...request(), headers })).toEqual({
      ok: false,
      reason: 'malformed X-Slack-Request-Timestamp',
    });
  });

  it.each([
    ['another version', `v1=${'a'.repeat(64)}`, 'unsupported X-Slack-Signature version'],
    ['a bare hex digest', 'a'.repeat(64), 'unsupported X-Slack-Signature version'],
    ['a short digest', `v0=${'a'.repeat(63)}`, 'malformed X-Slack-Signature'],
    ['a long digest', `v0=${'a'.repeat(66)}`, 'malformed X-Slack-Signature'],
    ['non-hex characters', `v0=${'g'.repeat(64)}`, 'malformed X-Slack-Signature'],
  ])('fails closed on a signature with %s', (_, signature, reason) => {
    const headers = { 'X-Slack-Request-Timestamp': String(NOW_SECONDS), 'X-Slack-Signature': signature };
    expect(verifySlackRequest({ ...request(), headers })).toEqual({ ok: false, reason });
  });

  it('fails closed when a header comes twice (which one would the signature cover?)', () => {
    const good = sign(NOW_SECONDS, BODY);
    const twoSpellings = {
      'X-Slack-Request-Timestamp': String(NOW_SECONDS),
      'X-Slack-Signature': good,
      'x-slack-signature': good,
    };
    const repeated = { 'x-slack-request-timestamp': [String(NOW_SECONDS), '1'], 'x-slack-signature': good };
    expect(verifySlackRequest({ ...request(), headers: twoSpellings })).toEqual({
      ok: false,
      reason: 'malformed X-Slack-Signature',
    });
    expect(verifySlackRequest({ ...request(), headers: repeated })).toEqual({
      ok: false,
      reason: 'malformed X-Slack-Request-Timestamp',
    });
  });

  it('fails closed without a body, without headers, without a secret or with a broken clock', () => {
    expect(verifySlackRequest({ ...request(), rawBody: undefined })).toEqual({
      ok: false,
      reason: 'missing request body',
    });
    expect(verifySlackRequest({ ...request(), headers: undefined })).toEqual({ ok: false, reason: 'missing headers' });
    expect(verifySlackRequest({ ...request(), signingSecret: '' })).toEqual({
      ok: false,
      reason: 'signing secret is not configured',
    });
    expect(verifySlackRequest({ ...request(), now: new Date(Number.NaN) })).toEqual({
      ok: false,
      reason: 'invalid clock',
    });
  });

  it('never puts the signing secret or the body in a reason', () => {
    const canary = 'CANARY-slack-signing-secret-7f3a';
    const bodyCanary = 'CANARY-body-91b2';
    const reasons = [
      verifySlackRequest({ ...request({ body: bodyCanary }), signingSecret: canary }),
      verifySlackRequest({ ...request({ body: bodyCanary, timestamp: NOW_SECONDS - 1000 }), signingSecret: canary }),
      verifySlackRequest({ ...request(), headers: {}, rawBody: bodyCanary, signingSecret: canary }),
      verifySlackRequest({
        ...request(),
        rawBody: bodyCanary,
        signingSecret: canary,
        headers: {
          'X-Slack-Request-Timestamp': String(NOW_SECONDS),
          'X-Slack-Signature': sign(NOW_SECONDS, bodyCanary, canary).replace('v0', 'v9'),
        },
      }),
    ].map((result) => (result.ok ? '' : result.reason));
    expect(reasons.every((reason) => reason !== '')).toBe(true);
    for (const reason of reasons) {
      expect(reason).not.toContain(canary);
      expect(reason).not.toContain(bodyCanary);
    }
  });
});

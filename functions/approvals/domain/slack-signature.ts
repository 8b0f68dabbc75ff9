// Verifies that an interactivity request really comes from Slack:
// https://api.slack.com/authentication/verifying-requests-from-slack
// HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing secret, sent as `v0=<hex>`.
// Every doubt is a rejection. The raw body must be the bytes Slack sent (decode API Gateway's base64 first, but never
// re-serialise parsed form data): any other bytes fail the signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own window, applied both ways: a future timestamp is as suspicious as a stale one. */
const WINDOW_SECONDS = 5 * 60;
const SIGNATURE_HEADER = 'x-slack-signature';
const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
// Seconds since the epoch; 12 digits is far beyond any real clock and keeps the number exact.
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=([0-9a-f]{64})$/i;

type HeaderValue = string | readonly string[] | undefined;
type Headers = Readonly<Record<string, HeaderValue>>;
type Verification = { ok: true } | { ok: false; reason: string };

interface SlackRequest {
  readonly signingSecret: string;
  /** As Node's IncomingMessage or an API Gateway event has them: any case. */
  readonly headers: Headers | undefined;
  readonly rawBody: string | Uint8Array | undefined;
  readonly now: Date;
}

/**
 * One header, case-insensitively. Two spellings of the same header, or a repeated header, are ambiguous: which one
 * would the signature cover? Treat them as malformed rather than pick one.
 */
const header = (headers: Headers, name: string): { value?: string; ambiguous?: true } => {
  let found: HeaderValue;
  let count = 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    found = value;
    count += 1;
  }
  if (count > 1) return { ambiguous: true };
  if (found === undefined) return {};
  if (typeof found === 'string') return { value: found };
  if (found.length === 1 && typeof found[0] === 'string') return { value: found[0] };
  return found.length === 0 ? {} : { ambiguous: true };
};

const fail = (reason: string): Verification => ({ ok: false, reason });

const verifySlackRequest = ({ signingSecret, headers, rawBody, now }: SlackRequest): Verification => {
  // An empty secret would make every signature forgeable by anyone who guesses the misconfiguration.
  if (typeof signingSecret !== 'string' || signingSecret === '') return fail('signing secret is not configured');
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) return fail('invalid clock');
  if (headers === undefined || headers === null) return fail('missing headers');

  const signature = header(headers, SIGNATURE_HEADER);
  if (signature.ambiguous) return fail('malformed X-Slack-Signature');
  if (signature.value === undefined || signature.value === '') return fail('missing X-Slack-Signature');
  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (timestamp.ambiguous) return fail('malformed X-Slack-Request-Timestamp');
  if (timestamp.value === undefined || timestamp.value === '') return fail('missing X-Slack-Request-Timestamp');
  if (!TIMESTAMP.test(timestamp.value)) return fail('malformed X-Slack-Request-Timestamp');
  if (rawBody === undefined || rawBody === null) return fail('missing request body');

  // The window first: a replay outside it fails without spending an HMAC, and the check does not depend on the body.
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp.value));
  if (skew > WINDOW_SECONDS) return fail('timestamp outside the 5-minute window');

  if (!signature.value.startsWith('v0=')) return fail('unsupported X-Slack-Signature version');
  const hex = SIGNATURE.exec(signature.value)?.[1];
  if (hex === undefined) return fail('malformed X-Slack-Signature');

  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp.value}:`).update(rawBody).digest();
  const received = Buffer.from(hex, 'hex');
  // timingSafeEqual throws on different lengths; the regex already pins 32 bytes, the check keeps that local.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return fail('signature mismatch');
  return { ok: true };
};

export type { Headers, SlackRequest, Verification };
export { verifySlackRequest, WINDOW_SECONDS };

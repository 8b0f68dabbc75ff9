// The signature on webhook calls, and its check, for the owner's endpoint (and our tests): HMAC-SHA256 over
// `<timestamp>.<body>`, sent as `X-Smcp-Signature: v1=<hex>` with `X-Smcp-Timestamp: <unix seconds>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SignatureHeader = { signature: 'x-smcp-signature', timestamp: 'x-smcp-timestamp' } as const;
const DEFAULT_TOLERANCE_SECONDS = 300;

const sign = (signingKey: string, timestamp: number, body: string) =>
  `v1=${createHmac('sha256', signingKey).update(`${timestamp}.${body}`).digest('hex')}`;

interface VerifyInput {
  readonly signingKey: string;
  readonly body: string;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly now?: Date;
  /** A replayed call older (or newer) than this is refused. */
  readonly toleranceSeconds?: number;
}

const verifySignature = (input: VerifyInput): boolean => {
  const timestamp = Number(input.timestamp);
  if (!Number.isInteger(timestamp) || input.signature === undefined) return false;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(sign(input.signingKey, timestamp, input.body));
  const given = Buffer.from(input.signature);
  // Constant time, so the signature cannot be guessed byte by byte from response times.
  return given.length === expected.length && timingSafeEqual(given, expected);
};

export type { VerifyInput };
export { SignatureHeader, sign, verifySignature };

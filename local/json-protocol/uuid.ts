// Random (version 4) UUIDs for request and event ids, as crypto.randomUUID() makes them, from the same source
// (randomFillSync, in batches), but built as one string: randomUUID() joins its text from 20 pieces, about 600 bytes
// of garbage per id, and the endpoint makes three ids per call (the request's, and its CloudTrail event's two).
import { randomFillSync } from 'node:crypto';

const BATCH = 256;
const pool = new Uint8Array(16 * BATCH);
let next = BATCH;

// The two hex digits of each byte, as character codes.
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, '0');
  HIGH[byte] = hex.charCodeAt(0);
  LOW[byte] = hex.charCodeAt(1);
}
const DASH = 0x2d;

/** `xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx` (RFC 9562 version 4, variant 10). */
const randomId = (): string => {
  if (next === BATCH) {
    randomFillSync(pool);
    next = 0;
  }
  const o = 16 * next++;
  const b = pool;
  const b0 = b[o] as number;
  const b1 = b[o + 1] as number;
  const b2 = b[o + 2] as number;
  const b3 = b[o + 3] as number;
  const b4 = b[o + 4] as number;
  const b5 = b[o + 5] as number;
  const b6 = ((b[o + 6] as number) & 0x0f) | 0x40;
  const b7 = b[o + 7] as number;
  const b8 = ((b[o + 8] as number) & 0x3f) | 0x80;
  const b9 = b[o + 9] as number;
  const b10 = b[o + 10] as number;
  const b11 = b[o + 11] as number;
  const b12 = b[o + 12] as number;
  const b13 = b[o + 13] as number;
  const b14 = b[o + 14] as number;
  const b15 = b[o + 15] as number;
  const h = HIGH;
  const l = LOW;
  return String.fromCharCode(
    h[b0] as number,
    l[b0] as number,
    h[b1] as number,
    l[b1] as number,
    h[b2] as number,
    l[b2] as number,
    h[b3] as number,
    l[b3] as number,
    DASH,
    h[b4] as number,
    l[b4] as number,
    h[b5] as number,
    l[b5] as number,
    DASH,
    h[b6] as number,
    l[b6] as number,
    h[b7] as number,
    l[b7] as number,
    DASH,
    h[b8] as number,
    l[b8] as number,
    h[b9] as number,
    l[b9] as number,
    DASH,
    h[b10] as number,
    l[b10] as number,
    h[b11] as number,
    l[b11] as number,
    h[b12] as number,
    l[b12] as number,
    h[b13] as number,
    l[b13] as number,
    h[b14] as number,
    l[b14] as number,
    h[b15] as number,
    l[b15] as number,
  );
};

export { randomId };

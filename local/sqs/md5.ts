// The digests SQS returns and the SDK checks: MD5 of the body, and MD5 of the message attributes in AWS's documented
// binary encoding (names sorted; each of name, data type and value length-prefixed, big-endian 32-bit; a transport
// byte 1 for String/Number, 2 for Binary).
import { hash } from 'node:crypto';
import type { MessageAttribute } from './state.ts';

// One-shot: a Hash object per message cost several microseconds of every SendMessage (every read's CloudTrail event).
const md5Hex = (data: string | Buffer) => hash('md5', data, 'hex');

const lengthPrefixed = (bytes: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
};

const STRING_TRANSPORT = Buffer.from([1]);
const BINARY_TRANSPORT = Buffer.from([2]);

/** undefined when there are no attributes: SQS then omits MD5OfMessageAttributes. */
const md5OfMessageAttributes = (attributes: Readonly<Record<string, MessageAttribute>>): string | undefined => {
  // Sorted by code point, which for these ASCII-ish names is what AWS's byte-wise sort gives.
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const value = attributes[name];
    if (!value) continue;
    parts.push(...lengthPrefixed(Buffer.from(name, 'utf8')), ...lengthPrefixed(Buffer.from(value.DataType, 'utf8')));
    if (value.BinaryValue !== undefined) {
      parts.push(BINARY_TRANSPORT, ...lengthPrefixed(Buffer.from(value.BinaryValue, 'base64')));
    } else {
      parts.push(STRING_TRANSPORT, ...lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8')));
    }
  }
  return md5Hex(Buffer.concat(parts));
};

export { md5Hex, md5OfMessageAttributes };

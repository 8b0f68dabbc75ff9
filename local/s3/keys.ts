// Names and keys as S3 takes them: bucket naming rules, key length, and the order S3 lists keys in (by their UTF-8
// bytes, which is code point order; JavaScript compares UTF-16 units, which puts U+E000–U+FFFF after the surrogate
// pairs of U+10000 and up).
import { s3Errors } from './errors.ts';

const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** InvalidBucketName unless `name` follows S3's general purpose bucket naming rules. */
const checkBucketName = (name: string): void => {
  if (
    !BUCKET_NAME.test(name) ||
    name.includes('..') ||
    IP_ADDRESS.test(name) ||
    name.startsWith('xn--') ||
    name.startsWith('sthree-') ||
    name.endsWith('-s3alias') ||
    name.endsWith('--ol-s3')
  ) {
    throw s3Errors.invalidBucketName(name);
  }
};

const checkKey = (key: string): void => {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) throw s3Errors.keyTooLong(bytes);
  if (key.length === 0) throw s3Errors.invalidArgument('Key must not be empty', 'key', '');
};

// A surrogate unit stands for a code point above U+FFFF: weigh it above every unit of the BMP.
const weight = (unit: number) => (unit >= 0xd800 && unit < 0xe000 ? unit + 0x10000 : unit);

const compareKeys = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
};

/** The index of the first key not before `key`. */
const lowerBound = (keys: readonly string[], key: string): number => {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const insertKey = (keys: string[], key: string): void => {
  const at = lowerBound(keys, key);
  if (keys[at] !== key) keys.splice(at, 0, key);
};

const removeKey = (keys: string[], key: string): void => {
  const at = lowerBound(keys, key);
  if (keys[at] === key) keys.splice(at, 1);
};

export { checkBucketName, checkKey, compareKeys, insertKey, lowerBound, removeKey };

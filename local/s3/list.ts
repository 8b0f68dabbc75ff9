// ListObjectsV2 and ListObjects over a bucket's sorted keys: prefix, delimiter (keys rolled up into CommonPrefixes,
// each counting once against max-keys), start-after / marker, and continuation tokens (opaque to the caller: the last
// key or prefix returned, base64).
import { s3Errors } from './errors.ts';
import { compareKeys, lowerBound } from './keys.ts';
import type { Bucket, S3Object } from './state.ts';

interface ListRequest {
  readonly prefix: string;
  readonly delimiter: string;
  /** List keys after this one (start-after, marker, or the key a continuation token holds). */
  readonly after: string;
  readonly maxKeys: number;
}

interface Listing {
  readonly contents: readonly S3Object[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  /** The last key or common prefix listed: where the next page starts after. */
  readonly last: string | undefined;
}

const MAX_KEYS = 1000;

const listBucket = (bucket: Bucket, request: ListRequest): Listing => {
  const { prefix, delimiter, after, maxKeys } = request;
  const { keys } = bucket;
  const contents: S3Object[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (let i = lowerBound(keys, compareKeys(prefix, after) > 0 ? prefix : after); i < keys.length; i++) {
    const key = keys[i] as string;
    if (!key.startsWith(prefix)) break;
    if (compareKeys(key, after) <= 0) continue;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const rolled = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    // A page that ended on a common prefix goes on after every key under it.
    if (rolled !== undefined && rolled === last) continue;
    if (rolled !== undefined && compareKeys(rolled, after) <= 0) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) return { contents, commonPrefixes, truncated: true, last };
    if (rolled !== undefined) {
      commonPrefixes.push(rolled);
      last = rolled;
    } else {
      const object = bucket.objects.get(key);
      if (object) contents.push(object);
      last = key;
    }
  }
  return { contents, commonPrefixes, truncated: false, last };
};

const encodeToken = (key: string) => Buffer.from(`smcp:${key}`, 'utf8').toString('base64');

/** The key a continuation token holds; InvalidArgument for anything this S3 did not hand out. */
const decodeToken = (token: string): string => {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!text.startsWith('smcp:')) {
    throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(5);
};

/** max-keys as S3 reads it: a whole number, at most 1,000 taken. */
const readMaxKeys = (value: string | null): number => {
  if (value === null) return MAX_KEYS;
  if (!/^-?\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) {
    throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', value);
  }
  const n = Number(value);
  if (n < 0) {
    throw s3Errors.invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', value);
  }
  return Math.min(n, MAX_KEYS);
};

export type { Listing, ListRequest };
export { decodeToken, encodeToken, listBucket, readMaxKeys };

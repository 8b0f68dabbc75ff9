// What the local S3 reads off an HTTP request before an operation runs: whether it is an S3 request at all (signed
// for `s3`, in the Authorization header or a presigned URL's query), who signed it and for which region, the bucket and
// key of a path-style URL, and the body, read to its end within a limit (a larger one is drained, not kept).
import type { IncomingMessage } from 'node:http';
import { DEFAULT_REGION } from '../protocol.ts';
import { s3Errors } from './errors.ts';

// `Credential=AKID/20240101/us-east-1/s3/aws4_request`
const S3_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/s3\/aws4_request/;
// A presigned URL's `X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request`
const PRESIGNED_SCOPE = /^([^/]+)\/\d{8}\/([a-z0-9-]+)\/s3\/aws4_request$/;

interface Signer {
  readonly accessKeyId: string | undefined;
  readonly region: string;
}

/**
 * The signer of an S3 request, or undefined when the request is not one: S3 is told apart by its signature's scope,
 * as the other routes tell theirs (an unsigned request is not taken for S3). Cheap for everything else: a JSON
 * service's request carries X-Amz-Target and is declined at once.
 */
const s3Signer = (req: IncomingMessage): Signer | undefined => {
  if (req.headers['x-amz-target'] !== undefined) return undefined;
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const scope = S3_SCOPE.exec(authorization);
    return scope ? { accessKeyId: scope[1], region: scope[2] ?? DEFAULT_REGION } : undefined;
  }
  const url = req.url ?? '';
  const at = url.indexOf('X-Amz-Credential=');
  if (at < 0) return undefined;
  let credential: string;
  try {
    credential = decodeURIComponent(url.slice(at + 17).split('&', 1)[0] ?? '');
  } catch {
    return undefined;
  }
  const scope = PRESIGNED_SCOPE.exec(credential);
  return scope ? { accessKeyId: scope[1], region: scope[2] ?? DEFAULT_REGION } : undefined;
};

interface Target {
  readonly url: URL;
  /** Undefined for the service (`/`: ListBuckets). */
  readonly bucket: string | undefined;
  /** Undefined for the bucket itself (`/<bucket>` or `/<bucket>/`). */
  readonly key: string | undefined;
}

/** The bucket and key of a path-style request; InvalidURI for a target no URL parser reads or that is not UTF-8. */
const targetOf = (req: IncomingMessage): Target => {
  const raw = req.url ?? '/';
  if (!raw.startsWith('/') || !URL.canParse(raw, 'http://local')) throw s3Errors.invalidUri();
  const url = new URL(raw, 'http://local');
  // The raw path: URL normalises `..` and `.` segments, which are part of a key.
  const path = raw.split('?', 1)[0] ?? '/';
  const slash = path.indexOf('/', 1);
  try {
    const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
    const key = slash < 0 || slash === path.length - 1 ? undefined : decodeURIComponent(path.slice(slash + 1));
    return { url, bucket: bucket === '' ? undefined : bucket, key };
  } catch {
    throw s3Errors.invalidUri();
  }
};

interface Body {
  /** The body, or empty when it was over the limit. */
  readonly body: Buffer;
  /** How many bytes came. */
  readonly size: number;
}

const EMPTY = Buffer.alloc(0);

/** Reads the body to its end, keeping at most `limit` bytes: a larger one is read and dropped, so the answer arrives. */
const readBody = (req: IncomingMessage, limit: number): Promise<Body> =>
  new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks = [];
    });
    req.on('end', () => resolve({ body: size <= limit ? Buffer.concat(chunks) : EMPTY, size }));
    req.on('error', reject);
  });

/** A header's value as one string (repeated headers joined as Node joins them). */
const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

export type { Signer, Target };
export { header, readBody, s3Signer, targetOf };

// The object operations of the local S3's REST API: PutObject (plain or aws-chunked bodies, Content-MD5 checked,
// user metadata kept), GetObject and HeadObject (one byte range, the response-* overrides), DeleteObject and
// DeleteObjects.
import { createHash } from 'node:crypto';
import { decodeAwsChunked, isAwsChunked, remainingEncoding } from './chunked.ts';
import type { S3Core } from './core.ts';
import { s3Errors } from './errors.ts';
import type { Requester } from './events.ts';
import type { S3Object } from './state.ts';
import { document, el, readDocument } from './xml.ts';

interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: string | Buffer;
}

interface ObjectRequest {
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly header: (name: string) => string | undefined;
  readonly headerNames: readonly string[];
  readonly body: Buffer;
  readonly by: Requester;
}

// Headers S3 keeps with an object and answers with it.
const KEPT_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires'] as const;
const RESPONSE_OVERRIDES = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-cache-control': 'cache-control',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
} as const;
const MAX_DELETE_KEYS = 1000;

/** The payload of a PutObject: aws-chunked decoded, its length and Content-MD5 checked, within the size cap. */
const payloadOf = (request: ObjectRequest, maxBytes: number): Buffer => {
  const { header } = request;
  let payload: Buffer | undefined = request.body;
  if (isAwsChunked(header('x-amz-content-sha256'), header('content-encoding'))) {
    payload = decodeAwsChunked(request.body);
    if (!payload) throw s3Errors.incompleteBody();
  }
  const decodedLength = header('x-amz-decoded-content-length');
  if (decodedLength !== undefined && Number(decodedLength) !== payload.length) throw s3Errors.incompleteBody();
  if (payload.length > maxBytes) throw s3Errors.tooLarge(payload.length, maxBytes);
  const md5 = header('content-md5');
  if (md5 !== undefined) {
    const digest = Buffer.from(md5, 'base64');
    if (digest.length !== 16 || digest.toString('base64') !== md5.trim()) throw s3Errors.invalidDigest();
    if (!createHash('md5').update(payload).digest().equals(digest)) throw s3Errors.badDigest();
  }
  return payload;
};

const putObject = (core: S3Core, request: ObjectRequest, maxBytes: number): Promise<Answer> | Answer => {
  const { header } = request;
  const payload = payloadOf(request, maxBytes);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = header(name);
    if (value !== undefined) headers[name] = value;
  }
  const encoding = remainingEncoding(header('content-encoding'));
  if (encoding !== undefined) headers['content-encoding'] = encoding;
  const metadata: Record<string, string> = {};
  for (const name of request.headerNames) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = header(name) ?? '';
  }
  const { object, durable } = core.putObject(
    request.bucket,
    request.key,
    payload,
    { contentType: header('content-type'), headers, metadata },
    request.by,
  );
  const answer = { status: 200, headers: { etag: `"${object.etag}"` } };
  return durable ? durable.then(() => answer) : answer;
};

/** One byte range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined for the whole object (S3 ignores a range it
 * cannot read), InvalidRange for one that starts past the end. */
const rangeOf = (value: string | undefined, size: number): { start: number; end: number } | undefined => {
  const match = value === undefined ? null : /^bytes=(\d{0,15})-(\d{0,15})$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw s3Errors.invalidRange(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) throw s3Errors.invalidRange(size);
  return end < start ? undefined : { start, end };
};

const objectHeaders = (object: S3Object, query: URLSearchParams): Record<string, string | number> => {
  const headers: Record<string, string | number> = {
    'content-type': object.contentType,
    etag: `"${object.etag}"`,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(param);
    if (value !== null) headers[name] = value;
  }
  return headers;
};

/** GetObject, or HeadObject when `head`: the same headers, no body. */
const getObject = (core: S3Core, request: ObjectRequest, head: boolean): Answer => {
  const object = core.getObject(request.bucket, request.key);
  const headers = objectHeaders(object, request.query);
  const range = rangeOf(request.header('range'), object.size);
  if (!range) {
    return {
      status: 200,
      headers: { ...headers, 'content-length': object.size },
      body: head ? '' : core.bodyOf(request.bucket, object),
    };
  }
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': range.end - range.start + 1,
      'content-range': `bytes ${range.start}-${range.end}/${object.size}`,
    },
    body: head ? '' : core.bodyOf(request.bucket, object).subarray(range.start, range.end + 1),
  };
};

const deleteObject = (core: S3Core, request: ObjectRequest): Promise<Answer> | Answer => {
  const durable = core.deleteObjects(request.bucket, [request.key], request.by);
  const answer = { status: 204 };
  return durable ? durable.then(() => answer) : answer;
};

/** DeleteObjects (`POST /<bucket>?delete`): up to 1,000 keys; every key is answered as deleted, as S3 does. */
const deleteObjects = (core: S3Core, request: Omit<ObjectRequest, 'key'>): Promise<Answer> | Answer => {
  core.bucketNamed(request.bucket);
  const doc = readDocument(request.body, 'Delete');
  const objects = doc?.Object;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw s3Errors.malformedXml();
  }
  const keys = objects.map((entry) => {
    const key = (entry as { Key?: unknown } | null)?.Key;
    if (typeof key !== 'string' || key === '') throw s3Errors.malformedXml();
    return key;
  });
  const quiet = doc?.Quiet === 'true';
  const durable = core.deleteObjects(request.bucket, keys, request.by);
  const answer = {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: document('DeleteResult', quiet ? [] : keys.map((key) => el('Deleted', [el('Key', key)]))),
  };
  return durable ? durable.then(() => answer) : answer;
};

export type { Answer, ObjectRequest };
export { deleteObject, deleteObjects, getObject, putObject };

// The bucket operations of the local S3's REST API: ListBuckets, CreateBucket (LocationConstraint as S3 checks it
// against the request's region), HeadBucket, GetBucketLocation, DeleteBucket (empty only), ListObjectsV2 and
// ListObjects, the notification configuration (EventBridgeConfiguration only) and the bucket policy (kept, answered,
// not enforced).
import { createHash } from 'node:crypto';
import type { S3Core } from './core.ts';
import { S3Error, s3Errors } from './errors.ts';
import { encodeKey } from './events.ts';
import { decodeToken, encodeToken, type Listing, listBucket, readMaxKeys } from './list.ts';
import type { Answer } from './objects.ts';
import type { Bucket } from './state.ts';
import { document, el, readDocument } from './xml.ts';

interface BucketRequest {
  readonly bucket: string;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  /** The region the request was signed for. */
  readonly region: string;
}

const XML = { 'content-type': 'application/xml' };
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// The local cloud's one account is the owner of every bucket: a canonical user id made from it.
const ownerOf = (account: string) => [
  el('ID', createHash('sha256').update(account).digest('hex')),
  el('DisplayName', 'local'),
];

const isoDate = (ms: number) => new Date(ms).toISOString();

const xmlAnswer = (body: string, status = 200): Answer => ({ status, headers: XML, body });

const whenDurable = (durable: Promise<void> | undefined, answer: Answer): Promise<Answer> | Answer =>
  durable ? durable.then(() => answer) : answer;

const listBuckets = (core: S3Core, query: URLSearchParams): Answer => {
  const prefix = query.get('prefix') ?? '';
  const region = query.get('bucket-region');
  const max = query.get('max-buckets');
  const limit = max === null ? Number.POSITIVE_INFINITY : Number(max);
  if (max !== null && (!/^\d{1,5}$/.test(max) || limit < 1 || limit > 10_000)) {
    throw s3Errors.invalidArgument('Argument max-buckets must be an integer between 1 and 10000', 'max-buckets', max);
  }
  const token = query.get('continuation-token');
  const after = token === null ? '' : decodeToken(token);
  const all = [...core.buckets.values()]
    .filter((b) => b.name.startsWith(prefix) && (region === null || b.region === region) && b.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = all.slice(0, limit);
  const truncated = all.length > page.length;
  return xmlAnswer(
    document('ListAllMyBucketsResult', [
      el('Owner', ownerOf(core.account)),
      el(
        'Buckets',
        page.map((b) =>
          el('Bucket', [el('Name', b.name), el('CreationDate', isoDate(b.created)), el('BucketRegion', b.region)]),
        ),
      ),
      ...(truncated ? [el('ContinuationToken', encodeToken(page.at(-1)?.name ?? ''))] : []),
      ...(prefix !== '' ? [el('Prefix', prefix)] : []),
    ]),
  );
};

/**
 * CreateBucket. The bucket's region is its LocationConstraint, which must be the region the request was signed for
 * (none for us-east-1). Creating a bucket you own again is BucketAlreadyOwnedByYou, except in us-east-1, where S3
 * answers 200 for legacy compatibility.
 */
const createBucket = (core: S3Core, request: BucketRequest): Promise<Answer> | Answer => {
  const doc = readDocument(request.body, 'CreateBucketConfiguration');
  const given = doc?.LocationConstraint;
  if (given !== undefined && typeof given !== 'string') throw s3Errors.malformedXml();
  const constraint = given === '' ? undefined : given;
  if (constraint !== undefined && (!REGION.test(constraint) || constraint === 'us-east-1')) {
    throw s3Errors.invalidLocation();
  }
  if ((constraint ?? 'us-east-1') !== request.region) throw s3Errors.illegalLocation(constraint ?? 'unspecified');
  const existing = core.buckets.get(request.bucket);
  const answer = { status: 200, headers: { location: `/${request.bucket}` } };
  if (existing && existing.region === 'us-east-1' && request.region === 'us-east-1') return answer;
  return whenDurable(core.createBucket(request.bucket, constraint ?? 'us-east-1'), answer);
};

const headBucket = (core: S3Core, request: BucketRequest): Answer => {
  const bucket = core.bucketNamed(request.bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': bucket.region } };
};

const getBucketLocation = (core: S3Core, request: BucketRequest): Answer => {
  const bucket = core.bucketNamed(request.bucket);
  // us-east-1 answers an empty constraint.
  return xmlAnswer(document('LocationConstraint', bucket.region === 'us-east-1' ? [] : [bucket.region]));
};

const deleteBucket = (core: S3Core, request: BucketRequest): Promise<Answer> | Answer =>
  whenDurable(core.deleteBucket(request.bucket), { status: 204 });

const readEncoding = (query: URLSearchParams): boolean => {
  const value = query.get('encoding-type');
  if (value === null) return false;
  if (value !== 'url')
    throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', value);
  return true;
};

const contentsOf = (listing: Listing, encode: (text: string) => string, owner: string[] | undefined) => [
  ...listing.contents.map((object) =>
    el('Contents', [
      el('Key', encode(object.key)),
      el('LastModified', isoDate(object.lastModified)),
      el('ETag', `"${object.etag}"`),
      el('Size', String(object.size)),
      ...(owner ? [el('Owner', owner)] : []),
      el('StorageClass', 'STANDARD'),
    ]),
  ),
  ...listing.commonPrefixes.map((prefix) => el('CommonPrefixes', [el('Prefix', encode(prefix))])),
];

/** ListObjectsV2 (`list-type=2`) or, without it, ListObjects. */
const listObjects = (core: S3Core, request: BucketRequest): Answer => {
  const bucket: Bucket = core.bucketNamed(request.bucket);
  const { query } = request;
  const v2 = query.get('list-type') === '2';
  if (query.has('list-type') && !v2)
    throw s3Errors.invalidArgument('Invalid List Type specified in Request', 'list-type', query.get('list-type') ?? '');
  const encoded = readEncoding(query);
  const encode = encoded ? encodeKey : (text: string) => text;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = readMaxKeys(query.get('max-keys'));
  const token = v2 ? query.get('continuation-token') : null;
  const startAfter = (v2 ? query.get('start-after') : query.get('marker')) ?? '';
  const after = token !== null ? decodeToken(token) : startAfter;
  const listing = listBucket(bucket, { prefix, delimiter, after, maxKeys });
  const owner = v2 && query.get('fetch-owner') !== 'true' ? undefined : ownerOf(core.account);
  const common = [
    el('Name', bucket.name),
    el('Prefix', encode(prefix)),
    ...(delimiter !== '' ? [el('Delimiter', encode(delimiter))] : []),
    el('MaxKeys', String(maxKeys)),
    ...(encoded ? [el('EncodingType', 'url')] : []),
    el('IsTruncated', String(listing.truncated)),
  ];
  if (v2) {
    return xmlAnswer(
      document('ListBucketResult', [
        ...common,
        el('KeyCount', String(listing.contents.length + listing.commonPrefixes.length)),
        ...(token !== null ? [el('ContinuationToken', token)] : []),
        ...(listing.truncated && listing.last !== undefined
          ? [el('NextContinuationToken', encodeToken(listing.last))]
          : []),
        ...(startAfter !== '' ? [el('StartAfter', encode(startAfter))] : []),
        ...contentsOf(listing, encode, owner),
      ]),
    );
  }
  return xmlAnswer(
    document('ListBucketResult', [
      ...common,
      el('Marker', encode(startAfter)),
      ...(listing.truncated && listing.last !== undefined ? [el('NextMarker', encode(listing.last))] : []),
      ...contentsOf(listing, encode, owner),
    ]),
  );
};

const CONFIGURATIONS = [
  'TopicConfiguration',
  'QueueConfiguration',
  'CloudFunctionConfiguration',
  'LambdaFunctionConfiguration',
];

/** PutBucketNotificationConfiguration: EventBridgeConfiguration on or off; SNS/SQS/Lambda destinations are not done. */
const putNotification = (core: S3Core, request: BucketRequest): Promise<Answer> | Answer => {
  core.bucketNamed(request.bucket);
  const doc = readDocument(request.body, 'NotificationConfiguration');
  if (!doc) throw s3Errors.malformedXml();
  const unknown = Object.keys(doc).filter(
    (name) => name !== 'EventBridgeConfiguration' && !CONFIGURATIONS.includes(name),
  );
  if (unknown.length > 0) throw s3Errors.malformedXml();
  const others = CONFIGURATIONS.filter((name) => name in doc);
  if (others.length > 0) throw s3Errors.notImplemented(`${others.join(', ')} (EventBridgeConfiguration only)`);
  const enabled = 'EventBridgeConfiguration' in doc;
  return whenDurable(
    core.updateBucket(request.bucket, (bucket) => {
      bucket.eventBridge = enabled;
    }),
    { status: 200 },
  );
};

const getNotification = (core: S3Core, request: BucketRequest): Answer => {
  const bucket = core.bucketNamed(request.bucket);
  return xmlAnswer(
    document('NotificationConfiguration', bucket.eventBridge ? [el('EventBridgeConfiguration', [])] : []),
  );
};

// S3 keeps a bucket policy of up to 20 KB.
const MAX_POLICY_BYTES = 20 * 1024;

const putPolicy = (core: S3Core, request: BucketRequest): Promise<Answer> | Answer => {
  core.bucketNamed(request.bucket);
  const text = request.body.toString('utf8');
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    policy = undefined;
  }
  if (request.body.length > MAX_POLICY_BYTES)
    throw new S3Error('PolicyTooLarge', 'Policy exceeds the maximum allowed document size.');
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
  }
  return whenDurable(
    core.updateBucket(request.bucket, (bucket) => {
      bucket.policy = text;
    }),
    { status: 204 },
  );
};

const getPolicy = (core: S3Core, request: BucketRequest): Answer => {
  const bucket = core.bucketNamed(request.bucket);
  if (bucket.policy === undefined) throw s3Errors.noSuchBucketPolicy(bucket.name);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy };
};

const deletePolicy = (core: S3Core, request: BucketRequest): Promise<Answer> | Answer =>
  whenDurable(
    core.updateBucket(request.bucket, (bucket) => {
      bucket.policy = undefined;
    }),
    { status: 204 },
  );

export type { BucketRequest };
export {
  createBucket,
  deleteBucket,
  deletePolicy,
  getBucketLocation,
  getNotification,
  getPolicy,
  headBucket,
  listBuckets,
  listObjects,
  putNotification,
  putPolicy,
};

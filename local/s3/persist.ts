// Write-through of the local S3 to the local cloud's store: a bucket is one row (its name, region, creation date,
// notification switch, policy and lifecycle rules), an object two rows written in one transaction: its metadata
// (JSON) and its body (bytes as they are). An operation that changed something answers once its rows are on disk:
// an acknowledged PutObject survives a SIGKILL. Rows an older version wrote, with the body as base64 in the metadata,
// still load.
import type { Store } from '../store/index.ts';
import type { LifecycleRule } from './lifecycle.ts';
import { type Bucket, newBucket, type S3Object } from './state.ts';

const BUCKET = 's3.bucket';
const OBJECT = 's3.object';
const BODY = 's3.object.body';

interface BucketRow {
  readonly name: string;
  readonly region: string;
  readonly created: number;
  readonly eventBridge: boolean;
  readonly policy?: string;
  readonly lifecycle?: readonly LifecycleRule[];
}

/** `body` only in rows of older versions (base64); now the body is a row of its own. */
type ObjectRow = Omit<S3Object, 'body' | 'size'> & { readonly body?: string };

const EMPTY = Buffer.alloc(0);

const objectKey = (bucket: string, key: string) => `${bucket}\u0000${key}`;

const bucketRow = (bucket: Bucket): BucketRow => ({
  name: bucket.name,
  region: bucket.region,
  created: bucket.created,
  eventBridge: bucket.eventBridge,
  ...(bucket.policy === undefined ? {} : { policy: bucket.policy }),
  ...(bucket.lifecycle.length === 0 ? {} : { lifecycle: bucket.lifecycle }),
});

const createS3Persistence = (store: Store) => ({
  /** The buckets the last run left, each with its objects (keys not yet sorted). */
  load: (): Bucket[] => {
    const buckets = new Map<string, Bucket>();
    for (const [, value] of store.rows(BUCKET)) {
      const row = JSON.parse(value) as BucketRow;
      const bucket = newBucket(row.name, row.region, row.created);
      bucket.eventBridge = row.eventBridge;
      bucket.policy = row.policy;
      bucket.lifecycle = row.lifecycle ?? [];
      buckets.set(row.name, bucket);
    }
    // Bodies stay on disk until asked for (readBody); a body row missing is an empty body.
    const sizes = new Map(store.byteSizes(BODY));
    for (const [key, value] of store.rows(OBJECT)) {
      const bucket = buckets.get(key.slice(0, key.indexOf('\u0000')));
      if (!bucket) continue;
      const { body, ...row } = JSON.parse(value) as ObjectRow;
      const size = sizes.get(key);
      const old = body === undefined ? undefined : Buffer.from(body, 'base64');
      bucket.objects.set(row.key, {
        ...row,
        body: old ?? (size === undefined ? EMPTY : undefined),
        size: old?.length ?? size ?? 0,
      });
      bucket.keys.push(row.key);
    }
    return [...buckets.values()];
  },
  bucket: (bucket: Bucket) => store.put(BUCKET, bucket.name, JSON.stringify(bucketRow(bucket))),
  bucketRemoved: (name: string) => {
    store.remove(BUCKET, name);
    store.removePrefix(OBJECT, `${name}\u0000`);
    store.removePrefix(BODY, `${name}\u0000`);
  },
  /** Writes an object whose body is in memory (a put). */
  object: (bucket: string, object: S3Object & { readonly body: Buffer }) => {
    const { body, size: _size, ...row } = object;
    const key = objectKey(bucket, object.key);
    store.put(OBJECT, key, JSON.stringify(row));
    store.putBytes(BODY, key, body);
  },
  /** A body from disk (once its write is durable); undefined when the store has none. */
  readBody: (bucket: string, key: string): Buffer | undefined => store.readBytes(BODY, objectKey(bucket, key)),
  objectRemoved: (bucket: string, key: string) => {
    store.remove(OBJECT, objectKey(bucket, key));
    store.remove(BODY, objectKey(bucket, key));
  },
  commit: () => store.commit(),
});

type S3Persistence = ReturnType<typeof createS3Persistence>;

export type { S3Persistence };
export { createS3Persistence };

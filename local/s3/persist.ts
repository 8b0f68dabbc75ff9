// Write-through of the local S3 to the local cloud's store: a bucket is one row (its name, region, creation date,
// notification switch and policy), an object one row (its metadata and its body, base64). An operation that changed
// something answers once its rows are on disk: an acknowledged PutObject survives a SIGKILL.
import type { Store } from '../store/index.ts';
import { type Bucket, newBucket, type S3Object } from './state.ts';

const BUCKET = 's3.bucket';
const OBJECT = 's3.object';

interface BucketRow {
  readonly name: string;
  readonly region: string;
  readonly created: number;
  readonly eventBridge: boolean;
  readonly policy?: string;
}

type ObjectRow = Omit<S3Object, 'body'> & { readonly body: string };

const objectKey = (bucket: string, key: string) => `${bucket}\u0000${key}`;

const bucketRow = (bucket: Bucket): BucketRow => ({
  name: bucket.name,
  region: bucket.region,
  created: bucket.created,
  eventBridge: bucket.eventBridge,
  ...(bucket.policy === undefined ? {} : { policy: bucket.policy }),
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
      buckets.set(row.name, bucket);
    }
    for (const [key, value] of store.rows(OBJECT)) {
      const bucket = buckets.get(key.slice(0, key.indexOf('\u0000')));
      if (!bucket) continue;
      const row = JSON.parse(value) as ObjectRow;
      bucket.objects.set(row.key, { ...row, body: Buffer.from(row.body, 'base64') });
      bucket.keys.push(row.key);
    }
    return [...buckets.values()];
  },
  bucket: (bucket: Bucket) => store.put(BUCKET, bucket.name, JSON.stringify(bucketRow(bucket))),
  bucketRemoved: (name: string) => {
    store.remove(BUCKET, name);
    store.removePrefix(OBJECT, `${name}\u0000`);
  },
  object: (bucket: string, object: S3Object) =>
    store.put(
      OBJECT,
      objectKey(bucket, object.key),
      JSON.stringify({ ...object, body: object.body.toString('base64') }),
    ),
  objectRemoved: (bucket: string, key: string) => store.remove(OBJECT, objectKey(bucket, key)),
  commit: () => store.commit(),
});

type S3Persistence = ReturnType<typeof createS3Persistence>;

export type { S3Persistence };
export { createS3Persistence };

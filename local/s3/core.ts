// The local S3's operations on its buckets and objects, for the REST route (route.ts) and for the local cloud itself
// (the stack's buckets, the trail's log files). A change is written through the store (persist.ts) and the operation
// returns the promise of it being on disk; an object event goes to the bus only once the change it tells of is durable.
// With a store, bodies on disk are held in memory only up to a budget, the newest first (the log file ingest is about
// to read); older ones are read back from the store when asked for, so a trail delivering for hours under load does not
// grow the process by its log files.
import { createHash } from 'node:crypto';
import { deliveredAfterTheCall, type EventBridgeEvent } from '../eventbridge/event.ts';
import { s3Errors } from './errors.ts';
import { type DeletionReason, objectCreatedEvent, objectDeletedEvent, type Requester } from './events.ts';
import { checkBucketName, checkKey, compareKeys, insertKey, removeKey } from './keys.ts';
import { expiryOf } from './lifecycle.ts';
import type { S3Persistence } from './persist.ts';
import { type Bucket, newBucket, type S3Object } from './state.ts';

interface CoreOptions {
  readonly now: () => Date;
  readonly account: string;
  /** Puts an object event on the default bus. */
  readonly emit: (event: EventBridgeEvent) => void;
  readonly log: (line: string) => void;
  /** Told the expiry (epoch ms) of each object a lifecycle rule covers, when it is put. */
  readonly onExpiry?: (at: number) => void;
  /** Bytes of durable bodies kept in memory (RESIDENT_BYTES unless given). */
  readonly residentBytes?: number;
}

interface PutObjectInput {
  readonly contentType?: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Settles once the change is on disk (undefined: nothing to wait for, an in-memory S3). */
type Durable = Promise<void> | undefined;

// Who deletes what a lifecycle rule expires (S3's own principal, as its events name it).
const LIFECYCLE: Requester = { requester: 's3.amazonaws.com', sourceIp: 's3.amazonaws.com', requestId: 'lifecycle' };

const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
// S3's limit on user metadata: names and values of the x-amz-meta-* headers, 2 KB together.
const MAX_METADATA_BYTES = 2048;
// Bodies already on disk kept in memory as well (the newest ones); the rest are read from the store.
const RESIDENT_BYTES = 64 * 1024 * 1024;

const createCore = (options: CoreOptions) => {
  const buckets = new Map<string, Bucket>();
  let persistence: S3Persistence | undefined;
  let sequence = 0;
  const inFlight = new Set<Promise<void>>();
  // Durable bodies still in memory, oldest first, and their bytes.
  const resident: S3Object[] = [];
  let residentBytes = 0;
  const residentBudget = options.residentBytes ?? RESIDENT_BYTES;

  /** Once its body is on disk, an object's body may leave memory: the oldest go while over the budget. */
  const onDisk = (object: S3Object) => {
    resident.push(object);
    residentBytes += object.size;
    while (residentBytes > residentBudget) {
      const oldest = resident.shift();
      if (!oldest) break;
      residentBytes -= oldest.size;
      oldest.body = undefined;
    }
  };

  /** An object's bytes: in memory, or read back from the store. */
  const bodyOf = (bucketName: string, object: S3Object): Buffer => {
    if (object.body) return object.body;
    const body = persistence?.readBody(bucketName, object.key);
    if (!body) throw new Error(`the local store has no body for s3://${bucketName}/${object.key}`);
    return body;
  };

  const nextSequencer = () => {
    sequence += 1;
    return sequence.toString(16).toUpperCase().padStart(18, '0');
  };

  const bucketNamed = (name: string): Bucket => {
    const bucket = buckets.get(name);
    if (!bucket) throw s3Errors.noSuchBucket(name);
    return bucket;
  };

  const publish = deliveredAfterTheCall(options.emit, options.log, 's3');
  /** Emits an event once the change is durable; a failure to emit is logged, never a failed request. */
  const afterDurable = (durable: Durable, event: () => EventBridgeEvent | undefined): Durable => {
    const emit = () => {
      const made = event();
      if (made) publish(made);
    };
    if (!durable) {
      emit();
      return undefined;
    }
    const done = durable.then(emit);
    inFlight.add(done);
    void done.catch(() => {}).finally(() => inFlight.delete(done));
    return done;
  };

  const commit = (): Durable => persistence?.commit();

  const createBucket = (name: string, region: string): Durable => {
    checkBucketName(name);
    if (buckets.has(name)) throw s3Errors.alreadyOwned(name);
    const bucket = newBucket(name, region, options.now().getTime());
    buckets.set(name, bucket);
    persistence?.bucket(bucket);
    return commit();
  };

  const deleteBucket = (name: string): Durable => {
    const bucket = bucketNamed(name);
    if (bucket.objects.size > 0) throw s3Errors.notEmpty(name);
    buckets.delete(name);
    persistence?.bucketRemoved(name);
    return commit();
  };

  const updateBucket = (name: string, change: (bucket: Bucket) => void): Durable => {
    const bucket = bucketNamed(name);
    change(bucket);
    persistence?.bucket(bucket);
    return commit();
  };

  const putObject = (
    bucketName: string,
    key: string,
    body: Buffer,
    input: PutObjectInput,
    by: Requester,
  ): { object: S3Object; durable: Durable } => {
    const bucket = bucketNamed(bucketName);
    checkKey(key);
    const metadata = input.metadata ?? {};
    let metadataBytes = 0;
    for (const [name, value] of Object.entries(metadata)) metadataBytes += Buffer.byteLength(name + value);
    if (metadataBytes > MAX_METADATA_BYTES) throw s3Errors.metadataTooLarge();
    const object: S3Object & { body: Buffer } = {
      key,
      body,
      size: body.length,
      etag: createHash('md5').update(body).digest('hex'),
      lastModified: options.now().getTime(),
      contentType: input.contentType || DEFAULT_CONTENT_TYPE,
      headers: input.headers ?? {},
      metadata,
      sequencer: nextSequencer(),
    };
    bucket.objects.set(key, object);
    insertKey(bucket.keys, key);
    persistence?.object(bucket.name, object);
    const written = commit();
    written?.then(
      () => onDisk(object),
      () => {},
    );
    if (bucket.lifecycle.length > 0) {
      const at = expiryOf(bucket.lifecycle, key, object.lastModified);
      if (at !== undefined) options.onExpiry?.(at);
    }
    const time = options.now();
    const durable = afterDurable(written, () =>
      bucket.eventBridge && buckets.get(bucket.name) === bucket
        ? objectCreatedEvent({ bucket: bucket.name, region: bucket.region, account: options.account, time, by }, object)
        : undefined,
    );
    return { object, durable };
  };

  const getObject = (bucketName: string, key: string): S3Object => {
    const object = bucketNamed(bucketName).objects.get(key);
    if (!object) throw s3Errors.noSuchKey(key);
    return object;
  };

  /** Deletes the keys there are (S3 answers a key that is not there as deleted too). */
  const deleteObjects = (
    bucketName: string,
    keys: readonly string[],
    by: Requester,
    reason: DeletionReason = 'DeleteObject',
  ): Durable => {
    const bucket = bucketNamed(bucketName);
    const gone = keys.filter((key) => bucket.objects.delete(key));
    if (gone.length === 0) return undefined;
    for (const key of gone) {
      removeKey(bucket.keys, key);
      persistence?.objectRemoved(bucket.name, key);
    }
    const time = options.now();
    const durable = commit();
    const emitted = gone.map((key) => {
      const sequencer = nextSequencer();
      return afterDurable(durable, () =>
        bucket.eventBridge
          ? objectDeletedEvent(
              { bucket: bucket.name, region: bucket.region, account: options.account, time, by },
              key,
              sequencer,
              reason,
            )
          : undefined,
      );
    });
    return durable ? Promise.all(emitted).then(() => {}) : undefined;
  };

  /**
   * Lifecycle expiration: deletes every object a rule of its bucket says is due by `now` (S3 as the requester, reason
   * `Lifecycle Expiration`) and answers the earliest expiry left, if any.
   */
  const expireDue = (now: number): number | undefined => {
    let next: number | undefined;
    for (const bucket of buckets.values()) {
      if (bucket.lifecycle.length === 0) continue;
      const due: string[] = [];
      for (const object of bucket.objects.values()) {
        const at = expiryOf(bucket.lifecycle, object.key, object.lastModified);
        if (at === undefined) continue;
        if (at <= now) due.push(object.key);
        else if (next === undefined || at < next) next = at;
      }
      if (due.length === 0) continue;
      options.log(`[s3] lifecycle: expired ${due.length} object(s) of ${bucket.name}`);
      void deleteObjects(bucket.name, due, LIFECYCLE, 'Lifecycle Expiration');
    }
    return next;
  };

  /** Buckets the last run left; the stack's buckets (declared before) keep their declared configuration. */
  const attach = (attached: S3Persistence): Durable => {
    persistence = attached;
    for (const saved of attached.load()) {
      saved.keys.sort(compareKeys);
      for (const object of saved.objects.values()) {
        const n = Number.parseInt(object.sequencer, 16);
        if (Number.isSafeInteger(n)) sequence = Math.max(sequence, n);
      }
      const declared = buckets.get(saved.name);
      if (declared) {
        saved.eventBridge = declared.eventBridge;
        if (declared.policy !== undefined) saved.policy = declared.policy;
        saved.lifecycle = declared.lifecycle;
      }
      buckets.set(saved.name, saved);
    }
    for (const bucket of buckets.values()) attached.bucket(bucket);
    return commit();
  };

  return {
    account: options.account,
    buckets,
    bucketNamed,
    createBucket,
    deleteBucket,
    updateBucket,
    putObject,
    getObject,
    bodyOf,
    deleteObjects,
    expireDue,
    attach,
    /** Resolves once every event owed for a durable change is on the bus. */
    whenIdle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};

type S3Core = ReturnType<typeof createCore>;

export type { Durable, PutObjectInput, S3Core };
export { createCore };

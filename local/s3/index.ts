// The local S3: buckets and objects on the local endpoint, path-style REST (route.ts), for the SDK's
// `S3Client({ endpoint, forcePathStyle: true })` and the AWS CLI; written through the store, so objects survive a
// restart; object events to the default bus for buckets with EventBridge notifications. The rest of the local cloud
// uses it in process: the stack's buckets (declareBucket) and the trail's log files (putObject). A bucket's lifecycle
// rules expire its objects on the local clock (lifecycle.ts), once startExpiry has been given the clock.
import type { Clock } from '../clock.ts';
import type { EventBridgeEvent } from '../eventbridge/event.ts';
import type { Store } from '../store/index.ts';
import { createCore, type PutObjectInput } from './core.ts';
import { createExpiryTimer, type LifecycleRule } from './lifecycle.ts';
import { createS3Persistence } from './persist.ts';
import { createS3Route } from './route.ts';

interface S3Options {
  readonly now: () => Date;
  readonly account: string;
  readonly emit: (event: EventBridgeEvent) => void;
  readonly log?: (line: string) => void;
  /** The largest object PutObject takes; 64 MiB unless given. */
  readonly maxObjectBytes?: number;
  /** Bytes of bodies already on disk that stay in memory as well (64 MiB unless given). */
  readonly residentBytes?: number;
}

interface BucketDeclaration {
  readonly name: string;
  readonly region: string;
  /** NotificationConfiguration.EventBridgeConfiguration. */
  readonly eventBridge: boolean;
  /** An AWS::S3::BucketPolicy's PolicyDocument, as JSON text. */
  readonly policy?: string;
  /** LifecycleConfiguration's enabled expiration rules. */
  readonly lifecycle?: readonly LifecycleRule[];
}

/** Who writes an object in process: a service principal (the trail: cloudtrail.amazonaws.com). */
interface InProcessWriter {
  readonly requester: string;
  readonly sourceIp?: string;
}

const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

const createS3 = (options: S3Options) => {
  const log = options.log ?? ((line: string) => console.error(line));
  let expiry: ReturnType<typeof createExpiryTimer> | undefined;
  const core = createCore({
    now: options.now,
    account: options.account,
    emit: options.emit,
    log,
    onExpiry: (at) => expiry?.due(at),
    ...(options.residentBytes === undefined ? {} : { residentBytes: options.residentBytes }),
  });
  const route = createS3Route({ core, maxObjectBytes: options.maxObjectBytes ?? MAX_OBJECT_BYTES, log });
  let requests = 0;

  return {
    /** The endpoint's route for S3 requests; it reads their bodies itself (local/server.ts `bodyRoute`). */
    route,
    /** A bucket the stack declares (AWS::S3::Bucket): created if missing, its configuration as declared. */
    declareBucket: (declaration: BucketDeclaration): void => {
      if (!core.buckets.has(declaration.name)) {
        try {
          void core.createBucket(declaration.name, declaration.region);
        } catch (error) {
          throw new Error(`The stack's bucket ${declaration.name}: ${(error as Error).message}`, { cause: error });
        }
      }
      void core.updateBucket(declaration.name, (bucket) => {
        bucket.eventBridge = declaration.eventBridge;
        if (declaration.policy !== undefined) bucket.policy = declaration.policy;
        bucket.lifecycle = declaration.lifecycle ?? [];
      });
    },
    /**
     * Carries out the buckets' lifecycle rules on `clock` from now on: expires at once what fell due while the local
     * cloud was stopped, then each object at its midnight.
     */
    startExpiry: (clock: Clock): void => {
      expiry?.stop();
      expiry = createExpiryTimer(clock, core);
      expiry.sweep();
    },
    stopExpiry: (): void => {
      expiry?.stop();
      expiry = undefined;
    },
    /**
     * PutObject in process: resolves once the object is on disk and its Object Created event (if the bucket sends
     * them) is on the bus. Throws S3's error (NoSuchBucket, …).
     */
    putObject: async (
      bucket: string,
      key: string,
      body: Buffer,
      input: PutObjectInput,
      by: InProcessWriter,
    ): Promise<{ etag: string }> => {
      requests += 1;
      const { object, durable } = core.putObject(bucket, key, body, input, {
        requester: by.requester,
        sourceIp: by.sourceIp ?? by.requester,
        requestId: `local-${requests}`,
      });
      await durable;
      return { etag: object.etag };
    },
    /** An object's body and content type, or undefined. */
    getObject: (bucket: string, key: string) => {
      const object = core.buckets.get(bucket)?.objects.get(key);
      return object && { body: core.bodyOf(bucket, object), contentType: object.contentType, etag: object.etag };
    },
    /** The keys of a bucket whose bodies are in memory, in listing order (the rest are read from the store). */
    residentKeys: (bucket: string): string[] => {
      const held = core.buckets.get(bucket);
      return held ? held.keys.filter((key) => held.objects.get(key)?.body !== undefined) : [];
    },
    /** A bucket's keys in listing order. */
    keys: (bucket: string): readonly string[] => [...(core.buckets.get(bucket)?.keys ?? [])],
    buckets: () =>
      [...core.buckets.values()].map((b) => ({ name: b.name, region: b.region, eventBridge: b.eventBridge })),
    /** Restores the buckets and objects the last run left and writes every change through from now on. */
    attachStore: (store: Store) => core.attach(createS3Persistence(store)),
    /** The pre-database state.json had no S3. */
    restore: () => {},
    /** Buckets and their objects' keys and ETags (the fuzz checks an error changed none). */
    snapshot: () =>
      [...core.buckets.values()].map((b) => ({
        name: b.name,
        eventBridge: b.eventBridge,
        policy: b.policy,
        objects: b.keys.map((key) => [key, b.objects.get(key)?.etag]),
      })),
    whenIdle: () => core.whenIdle(),
  };
};

type S3Emulator = ReturnType<typeof createS3>;

export type { BucketDeclaration, S3Emulator };
export { createS3 };

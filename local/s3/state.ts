// What the local S3 holds: buckets, each with its objects by key and the keys in S3's listing order.
import type { LifecycleRule } from './lifecycle.ts';

interface S3Object {
  readonly key: string;
  /**
   * The bytes, while they are in memory: always without a store; with one, from the put until the body has been on
   * disk a while (core.ts keeps the newest bodies up to a budget), then undefined and read from the store when asked.
   */
  body: Buffer | undefined;
  /** Bytes in the body. */
  readonly size: number;
  /** MD5 of the body, hex (S3's ETag of a single-part upload, without the quotes). */
  readonly etag: string;
  /** Epoch milliseconds of the local clock. */
  readonly lastModified: number;
  readonly contentType: string;
  /** `Cache-Control`, `Content-Disposition`, `Content-Encoding`, `Content-Language`, as they were put. */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` without the prefix, names lower-cased (as S3 keeps them). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Orders the events of one key (S3's `sequencer`). */
  readonly sequencer: string;
}

interface Bucket {
  readonly name: string;
  readonly region: string;
  /** Epoch milliseconds. */
  readonly created: number;
  /** NotificationConfiguration.EventBridgeConfiguration: every object event goes to the default bus. */
  eventBridge: boolean;
  /** The bucket policy's JSON text, kept and answered, not enforced. */
  policy: string | undefined;
  /** LifecycleConfiguration's enabled expiration rules (lifecycle.ts). */
  lifecycle: readonly LifecycleRule[];
  readonly objects: Map<string, S3Object>;
  /** The keys in S3's order (UTF-8 bytes), kept sorted as objects come and go. */
  readonly keys: string[];
}

const newBucket = (name: string, region: string, created: number): Bucket => ({
  name,
  region,
  created,
  eventBridge: false,
  policy: undefined,
  lifecycle: [],
  objects: new Map(),
  keys: [],
});

export type { Bucket, S3Object };
export { newBucket };

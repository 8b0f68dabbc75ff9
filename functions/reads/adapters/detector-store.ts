// Every secret's detector in ONE gzipped JSON object in S3, loaded and saved once per detect-spikes run. A run saves at
// most one object whatever the number of secrets it fed: one PUT a minute ($0.0072 a day at S3's $0.005 per 1,000)
// where a DynamoDB item per secret cost a write per (secret, minute) with reads and a consistent read per secret in the
// look-back (docs/read-anomalies.md, "What ingestion costs"). The save is conditional on the ETag the run loaded (or
// on there being no object yet), so an overlapping run cannot silently undo another's feeding.
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredDetector } from '../domain/detect-window.ts';
import type { DetectorState } from '../domain/detector.ts';
import { DetectorStateConflictError } from '../errors.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** The detectors as one run loaded them, with the version the save is conditional on. */
interface DetectorSnapshot {
  readonly detectors: Map<string, StoredDetector>;
  /** The object's ETag when loaded; undefined: there was none yet. */
  readonly etag: string | undefined;
  /**
   * The last closed minute of the run that saved it (ms); undefined when there was no object, or one saved before
   * the field existed. A run whose look-back starts after it looks back to it (steps/detect.ts).
   */
  readonly through: number | undefined;
}

interface SnapshotFile {
  readonly version: 1;
  readonly through?: number;
  readonly detectors: Record<string, { readonly state: DetectorState; readonly last: number }>;
}

interface DetectorStoreOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key?: string;
  /**
   * A detector not fed for this long is dropped at the next save (its secret was deleted or is no longer read); if
   * the secret is read again it starts over with a day's warm-up. Keeps the object bounded by the secrets in use.
   */
  readonly retentionMs?: number;
}

const DETECTORS_KEY = 'detectors/detectors.json.gz';
const DAY_MS = 24 * 60 * 60 * 1000;

const isMissing = (error: unknown) => {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
};
const isConflict = (error: unknown) => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || $metadata?.httpStatusCode === 412;
};

const createDetectorStore = ({ s3, bucket, key = DETECTORS_KEY, retentionMs = 30 * DAY_MS }: DetectorStoreOptions) => ({
  async load(): Promise<DetectorSnapshot> {
    let body: Uint8Array;
    let etag: string | undefined;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      etag = out.ETag;
    } catch (error) {
      if (isMissing(error)) return { detectors: new Map(), etag: undefined, through: undefined };
      throw error;
    }
    const file = JSON.parse((await gunzip(body)).toString('utf8')) as SnapshotFile;
    if (file.version !== 1 || typeof file.detectors !== 'object' || file.detectors === null) {
      throw new Error(`s3://${bucket}/${key} is not a detector snapshot (version ${String(file.version)})`);
    }
    const through = typeof file.through === 'number' && Number.isFinite(file.through) ? file.through : undefined;
    return { detectors: new Map(Object.entries(file.detectors)), etag, through };
  },

  /**
   * Saves `detectors` unless the object changed since `snapshot` was loaded (DetectorStateConflictError); `now` is the
   * run's last closed minute, kept as `through` (a late retry does not move it back), and the clock detectors not fed
   * for `retentionMs` are dropped by.
   */
  async save(snapshot: DetectorSnapshot, now: number): Promise<{ saved: number; dropped: number }> {
    const detectors: SnapshotFile['detectors'] = {};
    let saved = 0;
    let dropped = 0;
    for (const [arn, stored] of snapshot.detectors) {
      if (now - stored.last > retentionMs) {
        dropped++;
        continue;
      }
      detectors[arn] = stored;
      saved++;
    }
    const body = await gzip(
      JSON.stringify({ version: 1, through: Math.max(now, snapshot.through ?? now), detectors } satisfies SnapshotFile),
    );
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/gzip',
          ...(snapshot.etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: snapshot.etag }),
        }),
      );
    } catch (error) {
      if (isConflict(error)) throw new DetectorStateConflictError(`s3://${bucket}/${key}`, { cause: error });
      throw error;
    }
    return { saved, dropped };
  },
});

type DetectorStore = ReturnType<typeof createDetectorStore>;

export type { DetectorSnapshot, DetectorStore };
export { createDetectorStore, DETECTORS_KEY };

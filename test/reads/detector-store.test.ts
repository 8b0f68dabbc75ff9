// The detector store's one object in S3 (aws-sdk-client-mock: the adapter alone): what it writes, the conditions its
// save carries, and how it reads back what it wrote.
import 'aws-sdk-client-mock-vitest/extend';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDetectorStore, DETECTORS_KEY } from '../../functions/reads/adapters/detector-store.ts';
import { DetectorStateConflictError } from '../../functions/reads/errors.ts';
import { MINUTE, seededState } from './support.ts';

const s3 = mockClient(S3Client);
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const OLD = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-XyZxYz';
const NOW = Date.parse('2026-01-07T10:14:00Z');
const DAY = 24 * 60 * MINUTE;

// What the SDK's GetObject Body offers the adapter (the only member it uses).
const body = (bytes: Buffer) =>
  ({ transformToByteArray: async () => new Uint8Array(bytes) }) as unknown as GetObjectCommandOutput['Body'];
const failure = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('detector store', () => {
  beforeEach(() => s3.reset());
  const store = createDetectorStore({ s3: new S3Client({ region: 'us-east-1' }), bucket: 'detectors-bucket' });

  it('starts empty without an object, and creates it only if nobody else did (If-None-Match)', async () => {
    s3.on(GetObjectCommand).rejects(failure('NoSuchKey', 404));
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });

    const snapshot = await store.load();
    expect(snapshot.detectors.size).toBe(0);
    expect(snapshot.through).toBeUndefined();
    snapshot.detectors.set(
      ARN,
      seededState(NOW, () => 5, 2),
    );
    await expect(store.save(snapshot, NOW)).resolves.toEqual({ saved: 1, dropped: 0 });

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'detectors-bucket',
      Key: DETECTORS_KEY,
      IfNoneMatch: '*',
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.IfMatch).toBeUndefined();
    const written = JSON.parse(gunzipSync(put?.Body as Buffer).toString('utf8'));
    expect(written.version).toBe(1);
    expect(written.through).toBe(NOW);
    expect(Object.keys(written.detectors)).toEqual([ARN]);
  });

  it('keeps the last closed minute a run saved through, never moved back by a late retry', async () => {
    const fresh = seededState(NOW, () => 5, 2);
    // An object saved before `through` existed reads as unknown: no run looks further back because of it.
    s3.on(GetObjectCommand).resolves({
      Body: body(gzipSync(JSON.stringify({ version: 1, detectors: { [ARN]: fresh } }))),
      ETag: '"e1"',
    });
    expect((await store.load()).through).toBeUndefined();

    s3.on(GetObjectCommand).resolves({
      Body: body(gzipSync(JSON.stringify({ version: 1, through: NOW, detectors: { [ARN]: fresh } }))),
      ETag: '"e2"',
    });
    s3.on(PutObjectCommand).resolves({ ETag: '"e3"' });
    const snapshot = await store.load();
    expect(snapshot.through).toBe(NOW);

    // A retried run of ten minutes ago saves: what it fed is kept, the minute it was through is not taken back.
    await store.save(snapshot, NOW - 10 * MINUTE);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(JSON.parse(gunzipSync(put?.Body as Buffer).toString('utf8')).through).toBe(NOW);
  });

  it('reads back what it saved, saves on the ETag it loaded, and drops detectors not fed for 30 days', async () => {
    const fresh = seededState(NOW, () => 5, 2);
    const stale = { ...fresh, last: NOW - 31 * DAY };
    const file = gzipSync(JSON.stringify({ version: 1, detectors: { [ARN]: fresh, [OLD]: stale } }));
    s3.on(GetObjectCommand).resolves({ Body: body(file), ETag: '"e7"' });
    s3.on(PutObjectCommand).resolves({ ETag: '"e8"' });

    const snapshot = await store.load();
    expect(snapshot.etag).toBe('"e7"');
    expect(snapshot.detectors.get(ARN)).toEqual(fresh);
    await expect(store.save(snapshot, NOW)).resolves.toEqual({ saved: 1, dropped: 1 });

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { IfMatch: '"e7"' });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(Object.keys(JSON.parse(gunzipSync(put?.Body as Buffer).toString('utf8')).detectors)).toEqual([ARN]);
  });

  it('turns a failed precondition (another run saved first) into DetectorStateConflictError', async () => {
    s3.on(PutObjectCommand).rejects(failure('PreconditionFailed', 412));
    await expect(store.save({ detectors: new Map(), etag: '"e1"', through: undefined }, NOW)).rejects.toBeInstanceOf(
      DetectorStateConflictError,
    );
  });

  it('refuses an object that is not a detector snapshot, and passes other S3 errors on', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(gzipSync(JSON.stringify({ version: 9 }))), ETag: '"e1"' });
    await expect(store.load()).rejects.toThrow('is not a detector snapshot');
    s3.on(GetObjectCommand).rejects(failure('AccessDenied', 403));
    await expect(store.load()).rejects.toThrow('AccessDenied');
  });
});

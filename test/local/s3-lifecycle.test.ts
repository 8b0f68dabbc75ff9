// The local S3 carries out the stack's lifecycle rules on the local clock: the trail's log files go after
// readsTrailRetentionDays, the read counters (reads/) after 8 days and nothing else of their bucket, each at the
// midnight UTC S3 rounds to, with S3's Object Deleted event; what fell due while the local cloud was stopped goes when
// it starts again. Rules the local S3 cannot carry out are refused when the stack is read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { expiresAt, lifecycleRules } from '../../local/s3/lifecycle.ts';
import { freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const bucketOf = (t: TestCloud, logicalId: string): string => {
  const bucket = t.cloud.stack.buckets.find((b) => b.logicalId === logicalId);
  if (!bucket) throw new Error(`the stack has no ${logicalId}`);
  return bucket.name;
};

const keysOf = async (s3: S3Client, bucket: string, prefix = ''): Promise<string[]> =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map(
    (o) => o.Key ?? '',
  );

/** Moves the manual clock to `iso`, letting each timer's work settle. */
const advanceTo = (t: TestCloud, iso: string) =>
  t.clock.advance(Date.parse(iso) - t.clock.now().getTime(), () => t.cloud.whenIdle());

describe('S3 lifecycle rules as S3 counts them', () => {
  it('adds the days to the creation time and rounds up to the next midnight UTC (S3’s own example)', () => {
    // S3's documentation: an object created 2014-01-15 10:30 UTC under a 3-day rule expires 2014-01-19 00:00 UTC.
    expect(new Date(expiresAt(Date.parse('2014-01-15T10:30:00Z'), 3)).toISOString()).toBe('2014-01-19T00:00:00.000Z');
    expect(new Date(expiresAt(Date.parse('2014-01-15T00:00:00Z'), 1)).toISOString()).toBe('2014-01-16T00:00:00.000Z');
  });

  it('reads enabled expiration rules with their prefixes and refuses what the local S3 cannot carry out', () => {
    const where = 'Resources.B.Properties.LifecycleConfiguration';
    expect(
      lifecycleRules(
        {
          Rules: [
            { Id: 'a', Status: 'Enabled', ExpirationInDays: 8 },
            { Status: 'Enabled', Prefix: 'reads/', ExpirationInDays: '3' },
            { Status: 'Disabled', ExpirationInDays: 1 },
          ],
        },
        where,
      ),
    ).toEqual([
      { id: 'a', prefix: '', expirationDays: 8 },
      { id: undefined, prefix: 'reads/', expirationDays: 3 },
    ]);
    expect(lifecycleRules(undefined, where)).toEqual([]);
    expect(() => lifecycleRules({ Rules: [{ Status: 'Enabled', ExpirationInDays: 0 }] }, where)).toThrow(
      `${where}.Rules[0].ExpirationInDays must be a whole number ≥ 1`,
    );
    expect(() =>
      lifecycleRules({ Rules: [{ Status: 'Enabled', Transitions: [{ TransitionInDays: 30 }] }] }, where),
    ).toThrow(`${where}.Rules[0].Transitions: the local S3 takes Prefix and ExpirationInDays only`);
    expect(() => lifecycleRules({ Rules: [{ Status: 'On', ExpirationInDays: 1 }] }, where)).toThrow(
      `${where}.Rules[0].Status must be Enabled or Disabled`,
    );
    expect(() => lifecycleRules({ Rules: {} }, where)).toThrow(`${where}.Rules must be a list of rules`);
  });
});

describe('the stack’s lifecycle rules in the local cloud', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-lifecycle-'));
  let t: TestCloud | undefined;
  afterAll(async () => {
    await t?.cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('expires the trail’s log files and the read counters at their midnight, with S3’s Object Deleted event', async () => {
    const port = await freePort();
    t = await startTestCloud({ port, dataDir, start: '2026-01-05T09:00:00Z' });
    const { s3 } = t.clients;
    const trailBucket = bucketOf(t, 'ReadTrailBucket');
    const stateBucket = bucketOf(t, 'ReadStateBucket');
    const deleted: BusEvent[] = [];
    t.cloud.bus.tap((event) => {
      if (event['detail-type'] === 'Object Deleted') deleted.push(event);
    });

    const { ARN } = await t.clients.sm.send(new CreateSecretCommand({ Name: 'lifecycle/db', SecretString: 'x' }));
    await t.clients.sm.send(new GetSecretValueCommand({ SecretId: ARN }));
    await t.clock.advance(120_000, () => t?.cloud.whenIdle() ?? Promise.resolve());
    const logFiles = await keysOf(s3, trailBucket, 'AWSLogs/');
    expect(logFiles.length).toBeGreaterThan(0);
    await s3.send(new PutObjectCommand({ Bucket: stateBucket, Key: 'reads/old-counter.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket: stateBucket, Key: 'detectors/kept.json', Body: '{}' }));

    // Created on 5 January: 8 days later is the 13th at about 09:00, rounded up to midnight of the 14th.
    await advanceTo(t, '2026-01-13T23:59:00Z');
    expect(await keysOf(s3, trailBucket, 'AWSLogs/')).toEqual(expect.arrayContaining(logFiles));
    expect(await keysOf(s3, stateBucket)).toEqual(expect.arrayContaining(['reads/old-counter.json']));
    expect(deleted).toEqual([]);

    await advanceTo(t, '2026-01-14T00:01:00Z');
    const left = await keysOf(s3, trailBucket, 'AWSLogs/');
    expect(left.filter((key) => logFiles.includes(key))).toEqual([]);
    expect(await keysOf(s3, stateBucket, 'reads/old-counter.json')).toEqual([]);
    expect(await keysOf(s3, stateBucket, 'detectors/')).toContain('detectors/kept.json');
    const trailDeletions = deleted.filter(
      (e) => (e.detail as { bucket: { name: string } }).bucket.name === trailBucket,
    );
    expect(trailDeletions.map((e) => (e.detail as { object: { key: string } }).object.key).sort()).toEqual(
      [...logFiles].sort(),
    );
    expect(trailDeletions[0]?.detail).toMatchObject({
      reason: 'Lifecycle Expiration',
      'deletion-type': 'Permanently Deleted',
      requester: 's3.amazonaws.com',
    });
    expect(trailDeletions[0]?.time).toBe('2026-01-14T00:00:00Z');
  });

  it('expires at start what fell due while the local cloud was stopped', async () => {
    if (!t) throw new Error('the first test starts the cloud');
    const { s3 } = t.clients;
    const stateBucket = bucketOf(t, 'ReadStateBucket');
    await s3.send(new PutObjectCommand({ Bucket: stateBucket, Key: 'reads/stopped-over.json', Body: '{}' }));
    const port = Number(new URL(t.cloud.url).port);
    await t.cloud.stop();

    t = await startTestCloud({ port, dataDir, start: '2026-02-01T12:00:00Z' });
    const after = t.clients.s3;
    expect(await keysOf(after, stateBucket, 'reads/stopped-over.json')).toEqual([]);
    expect(await keysOf(after, stateBucket, 'detectors/')).toContain('detectors/kept.json');
  });
});

// The local CloudTrail: the emulators' records (reads included) in gzipped log files in a trail's bucket, delivered on
// the local clock or at 10,000 records, kept by the trail's selectors, with the keys CloudTrail gives them, and never a
// secret's value in them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TrailDefinition } from '../../local/cloudtrail/index.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { buildStack } from '../../local/stack/build.ts';
import type { ServiceConfig } from '../../local/stack/service-config.ts';
import { clientsFor, freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const BUCKET = 'test-trail-logs';
const CANARY = 'CANARY-trail-7f3c-do-not-log';
const KEY =
  /^(?:([a-z]+)\/)?AWSLogs\/000000000000\/CloudTrail\/us-east-1\/(\d{4})\/(\d{2})\/(\d{2})\/000000000000_CloudTrail_us-east-1_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$/;

const trail = (
  name: string,
  readWriteType: 'ReadOnly' | 'WriteOnly' | 'All',
  extra: Partial<TrailDefinition> = {},
) => ({
  name,
  bucket: BUCKET,
  isLogging: true,
  multiRegion: false,
  selectors: [{ readWriteType, excludedSources: [] }],
  ...extra,
});

const TRAILS: TrailDefinition[] = [
  trail('reads', 'ReadOnly'),
  trail('writes', 'WriteOnly', { keyPrefix: 'writes' }),
  trail('everything', 'All', { keyPrefix: 'all' }),
  trail('stopped', 'All', { keyPrefix: 'stopped', isLogging: false }),
];

const s3For = (url: string) => clientsFor(url).s3;

interface LogFile {
  readonly key: string;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly text: string;
  readonly records: Record<string, unknown>[];
}

/** Every log file in the bucket (under `prefix`), gunzipped. */
const logFiles = async (s3: S3Client, prefix = ''): Promise<LogFile[]> => {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const files: LogFile[] = [];
  for (const { Key } of listed.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    const text = gunzipSync(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toString('utf8');
    files.push({
      key: String(Key),
      contentType: got.ContentType,
      contentEncoding: got.ContentEncoding,
      text,
      records: (JSON.parse(text) as { Records: Record<string, unknown>[] }).Records,
    });
  }
  return files;
};

const names = (files: readonly LogFile[]) => files.flatMap((f) => f.records.map((r) => r.eventName));

let t: TestCloud;
let s3: S3Client;
let seen: BusEvent[];
/** trail/db's ARN, once the first test created it. */
let arn = '';

const createTrailBucket = async (client: S3Client) => {
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    }),
  );
};

describe('local CloudTrail log files', () => {
  beforeAll(async () => {
    t = await startTestCloud({ trails: TRAILS });
    s3 = s3For(t.cloud.url);
    await createTrailBucket(s3);
    t.cloud.bus.tap((event) => seen.push(event));
  });
  afterAll(async () => {
    s3?.destroy();
    await t?.cloud.stop();
  });
  beforeEach(async () => {
    // Each test starts with nothing buffered and an empty bucket view (by time prefix).
    await t.cloud.cloudTrail.deliver();
    await t.cloud.whenIdle();
    seen = [];
  });

  it('writes a GetSecretValue and a PutSecretValue made through the SDK into log files once a minute has passed', async () => {
    const start = t.clock.now();
    const made = await t.clients.sm.send(new CreateSecretCommand({ Name: 'trail/db', SecretString: CANARY }));
    // Read by ARN: the stack's own read trail hands this read to ingest-reads, which would resolve a name with a
    // DescribeSecret of its own, recorded after this test's delivery.
    arn = made.ARN ?? '';
    const calls = [
      made,
      await t.clients.sm.send(new PutSecretValueCommand({ SecretId: 'trail/db', SecretString: `${CANARY}-2` })),
      await t.clients.sm.send(new GetSecretValueCommand({ SecretId: arn })),
    ];
    const requestIds = calls.map((call) => call.$metadata.requestId);
    const before = (await logFiles(s3)).length;

    await t.clock.advance(59_000, () => t.cloud.whenIdle());
    const notYet = (await logFiles(s3)).length;
    await t.clock.advance(1_000, () => t.cloud.whenIdle());
    const files = (await logFiles(s3)).slice(before);
    const emitted = seen.filter((e) => e['detail-type'].endsWith('via CloudTrail')).map((e) => e.detail);
    // The test's bucket (the stack's own read trail writes into its bucket too).
    const created = seen.filter(
      (e) =>
        e.source === 'aws.s3' &&
        e['detail-type'] === 'Object Created' &&
        (e.detail as { bucket: { name: string } }).bucket.name === BUCKET,
    );
    // The test's own calls (the new AWSCURRENT also starts a verification workflow, whose calls are recorded too).
    const ours = (of: readonly LogFile[]) =>
      of
        .flatMap((f) => f.records)
        .filter((r) => requestIds.includes(r.requestID as string))
        .map((r) => r.eventName);

    expect(notYet).toBe(before);
    const reads = files.filter((f) => f.key.startsWith('AWSLogs/'));
    const writes = files.filter((f) => f.key.startsWith('writes/'));
    const all = files.filter((f) => f.key.startsWith('all/'));
    expect(files.map((f) => f.key.match(KEY)?.[1] ?? 'none').sort()).toEqual(['all', 'none', 'writes']);
    expect(ours(reads)).toEqual(['GetSecretValue']);
    expect(ours(writes)).toEqual(['CreateSecret', 'PutSecretValue']);
    expect(ours(all)).toEqual(['CreateSecret', 'PutSecretValue', 'GetSecretValue']);
    expect(reads.flatMap((f) => f.records).every((r) => r.readOnly === true)).toBe(true);
    expect(writes.flatMap((f) => f.records).every((r) => r.readOnly === false)).toBe(true);
    // Each record is the bare record the emulator put on the bus as `detail`, in the order they came.
    expect(all.flatMap((f) => f.records)).toEqual(emitted);
    // The key is stamped with the delivery's minute, a minute after the calls.
    const stamp = new Date(start.getTime() + 60_000).toISOString().replace(/[-:]/g, '').slice(0, 13);
    for (const file of files) {
      const [, , year, month, day, time] = KEY.exec(file.key) ?? [];
      expect([year, month, day, time]).toEqual(['2026', '01', '05', `${stamp}Z`]);
      expect(file.contentType).toBe('application/json');
      expect(file.contentEncoding).toBeUndefined();
      expect(file.text.startsWith('{"Records":[')).toBe(true);
    }
    expect(created.map((e) => (e.detail as { object: { key: string } }).object.key).sort()).toEqual(
      files.map((f) => f.key).sort(),
    );
    expect(created[0]?.detail).toMatchObject({ bucket: { name: BUCKET }, requester: 'cloudtrail.amazonaws.com' });
  });

  it('delivers each record within a period of it, in a file of that period, and nothing while it is quiet', async () => {
    const before = (await logFiles(s3, 'all/')).length;
    const start = t.clock.now().getTime();
    // The stack's trail bucket expires earlier tests' log files on a timer of its lifecycle rule: that one may stay,
    // but quiet adds none.
    const timersBefore = t.clock.pending();

    const first = await t.clients.sm.send(new GetSecretValueCommand({ SecretId: arn }));
    await t.clock.advance(90_000, () => t.cloud.whenIdle());
    const second = await t.clients.sm.send(new GetSecretValueCommand({ SecretId: arn }));
    await t.clock.advance(60_000, () => t.cloud.whenIdle());
    // The stack's own read trail delivered these reads too: its queue's 5 s batching window ends before timers count.
    await t.clock.advance(10_000, () => t.cloud.whenIdle());
    const timersLeft = t.clock.pending();
    await t.clock.advance(30 * 86_400_000, () => t.cloud.whenIdle());
    const files = (await logFiles(s3, 'all/')).slice(before);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 13);

    expect(files.map((f) => f.records.map((r) => r.requestID))).toEqual([
      [first.$metadata.requestId],
      [second.$metadata.requestId],
    ]);
    expect(files.map((f) => KEY.exec(f.key)?.[5])).toEqual([`${stamp(start + 60_000)}Z`, `${stamp(start + 150_000)}Z`]);
    expect(timersLeft).toBeLessThanOrEqual(timersBefore);
  });

  it('delivers a trail’s buffer at 10,000 records without waiting for the clock', async () => {
    const before = (await logFiles(s3, 'writes/')).length;
    const record = (i: number) => ({
      eventVersion: '1.11',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'PutSecretValue',
      eventID: `bulk-${i}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      awsRegion: 'us-east-1',
    });

    for (let i = 0; i < 10_001; i++) t.cloud.cloudTrail.record(record(i));
    await t.cloud.whenIdle();
    const files = (await logFiles(s3, 'writes/')).slice(before);
    const pending = t.cloud.cloudTrail.trails().find((x) => x.name === 'writes')?.pendingRecords;
    const keys = await t.cloud.cloudTrail.deliver();

    expect(files.map((f) => f.records.length)).toEqual([10_000]);
    expect(files[0]?.records[9_999]).toEqual(record(9_999));
    expect(pending).toBe(1);
    expect(keys.filter((k) => k.startsWith('writes/'))).toHaveLength(1);
    expect(keys.every((k) => KEY.test(k))).toBe(true);
  });

  it('keeps no secret value in any log file, whichever call carried it', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'trail/canary', SecretString: `${CANARY}-create` }));
    await t.clients.sm.send(
      new PutSecretValueCommand({ SecretId: 'trail/canary', SecretBinary: Buffer.from(`${CANARY}-binary`) }),
    );
    await t.clients.sm.send(new GetSecretValueCommand({ SecretId: 'trail/canary' }));
    await t.clients.sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['trail/canary', 'trail/db'] }));
    await t.cloud.cloudTrail.deliver();
    await t.cloud.whenIdle();

    const files = await logFiles(s3);
    const binary = Buffer.from(`${CANARY}-binary`).toString('base64');

    expect(names(files)).toContain('BatchGetSecretValue');
    for (const file of files) {
      expect(file.text).not.toContain(CANARY);
      expect(file.text).not.toContain(binary);
    }
  });

  it('keeps only what a trail’s selectors take, and nothing in a trail that is not logging', async () => {
    const readOnly = {
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      readOnly: true,
      eventType: 'AwsApiCall',
    };
    const service = { eventSource: 'secretsmanager.amazonaws.com', eventName: 'RotationSucceeded', readOnly: false };
    const data = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', readOnly: true, managementEvent: false };

    for (const record of [readOnly, service, data]) t.cloud.cloudTrail.record(record);
    // The test's trails (the stack has its own read trail too).
    const pending = Object.fromEntries(
      t.cloud.cloudTrail
        .trails()
        .filter((x) => TRAILS.some((own) => own.name === x.name))
        .map((x) => [x.name, x.pendingRecords]),
    );
    const keys = await t.cloud.cloudTrail.deliver();

    expect(pending).toEqual({ reads: 1, writes: 1, everything: 2, stopped: 0 });
    expect(keys.some((k) => k.startsWith('stopped/'))).toBe(false);
  });
});

describe('local CloudTrail delivery on stop and without a bucket', () => {
  it('delivers buffered records when the cloud stops, and retries a trail whose bucket is missing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'smcp-trail-'));
    const port = await freePort();
    try {
      const first = await startTestCloud({ dataDir, port, trails: [trail('stop', 'All')] });
      const client = s3For(first.cloud.url);
      await first.clients.sm.send(new CreateSecretCommand({ Name: 'trail/stop', SecretString: 'x' }));
      // No bucket yet: the file waits for the next delivery.
      const none = await first.cloud.cloudTrail.deliver();
      await createTrailBucket(client);
      await first.clients.sm.send(new GetSecretValueCommand({ SecretId: 'trail/stop' }));
      await first.cloud.stop();

      const second = await startTestCloud({ dataDir, port, trails: [trail('stop', 'All')] });
      const files = await logFiles(client);
      client.destroy();
      await second.cloud.stop();

      expect(none).toEqual([]);
      expect(
        first.logs.some((l) => l.includes('could not deliver a log file to bucket test-trail-logs: NoSuchBucket')),
      ).toBe(true);
      expect(files.map((f) => names([f]))).toEqual(
        expect.arrayContaining([['CreateSecret'], expect.arrayContaining(['GetSecretValue'])]),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('local CloudTrail per-record cost', () => {
  it('appends a GetSecretValue-sized record in a few microseconds', async () => {
    const cloud = await startTestCloud({ trails: [trail('bench', 'ReadOnly')], trailDeliverySeconds: 3600 });
    const record = {
      eventVersion: '1.11',
      userIdentity: {
        type: 'Root',
        principalId: '000000000000',
        arn: 'arn:aws:iam::000000000000:root',
        accountId: '000000000000',
        accessKeyId: 'test',
      },
      eventTime: '2026-01-05T09:00:00Z',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      userAgent: 'aws-sdk-js/3.1162.0 ua/2.1 os/linux lang/js md/nodejs#24.21.0 api/secrets-manager#3.1162.0',
      requestParameters: { secretId: 'app/db' },
      responseElements: null,
      requestID: '5d0c0c2e-8c4e-4f32-9d6a-0f9d1c2b3a4e',
      eventID: '0b6e6f5e-2b1c-4c43-9d16-7f3f6f2f1e0d',
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '000000000000',
      eventCategory: 'Management',
    };
    try {
      const n = 9_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) cloud.cloud.cloudTrail.record(record);
      const perRecordUs = Number(process.hrtime.bigint() - started) / 1000 / n;
      await cloud.cloud.cloudTrail.deliver();
      console.log(`[bench] cloudtrail append: ${perRecordUs.toFixed(2)} µs per record`);

      // Generous for a shared 2-core machine: the append is a JSON.stringify and a push.
      expect(perRecordUs).toBeLessThan(50);
    } finally {
      await cloud.cloud.stop();
    }
  });
});

describe('trails and buckets from the stack', () => {
  it('reads AWS::S3::Bucket, AWS::S3::BucketPolicy and AWS::CloudTrail::Trail with their references', () => {
    const config: ServiceConfig = {
      service: 'smcp',
      provider: { stage: 'local', region: 'us-east-1' },
      resources: {
        Resources: {
          TrailBucket: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              BucketName: {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
                'Fn::Sub': 'smcp-local-trail-${AWS::AccountId}-${AWS::Region}',
              },
              NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
              LifecycleConfiguration: { Rules: [{ Id: 'ExpireLogFiles', Status: 'Enabled', ExpirationInDays: 8 }] },
            },
          },
          PlainBucket: { Type: 'AWS::S3::Bucket' },
          TrailBucketPolicy: {
            Type: 'AWS::S3::BucketPolicy',
            Properties: {
              Bucket: { Ref: 'TrailBucket' },
              PolicyDocument: { Statement: [{ Effect: 'Allow', Resource: { 'Fn::GetAtt': ['TrailBucket', 'Arn'] } }] },
            },
          },
          ReadTrail: {
            Type: 'AWS::CloudTrail::Trail',
            Properties: {
              TrailName: 'smcp-local-read-trail',
              S3BucketName: { Ref: 'TrailBucket' },
              S3KeyPrefix: 'reads',
              IsLogging: true,
              EventSelectors: [
                {
                  ReadWriteType: 'ReadOnly',
                  IncludeManagementEvents: true,
                  ExcludeManagementEventSources: ['kms.amazonaws.com'],
                },
              ],
            },
          },
          AdvancedTrail: {
            Type: 'AWS::CloudTrail::Trail',
            Properties: {
              S3BucketName: { Ref: 'PlainBucket' },
              IsLogging: 'false',
              IsMultiRegionTrail: true,
              AdvancedEventSelectors: [
                {
                  FieldSelectors: [
                    { Field: 'eventCategory', Equals: ['Management'] },
                    { Field: 'readOnly', Equals: ['false'] },
                  ],
                },
                { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] },
              ],
            },
          },
        },
      },
    };

    const stack = buildStack(config, { region: 'us-east-1', account: '000000000000' }, 'http://127.0.0.1:4566');

    expect(stack.buckets).toEqual([
      {
        logicalId: 'TrailBucket',
        name: 'smcp-local-trail-000000000000-us-east-1',
        eventBridge: true,
        policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Resource: 'arn:aws:s3:::smcp-local-trail-000000000000-us-east-1' }],
        }),
        lifecycle: [{ id: 'ExpireLogFiles', prefix: '', expirationDays: 8 }],
      },
      { logicalId: 'PlainBucket', name: 'smcp-local-plainbucket', eventBridge: false, lifecycle: [] },
    ]);
    expect(stack.trails).toEqual([
      {
        name: 'smcp-local-read-trail',
        bucket: 'smcp-local-trail-000000000000-us-east-1',
        keyPrefix: 'reads',
        isLogging: true,
        multiRegion: false,
        selectors: [{ readWriteType: 'ReadOnly', excludedSources: ['kms.amazonaws.com'] }],
      },
      {
        name: 'smcp-local-AdvancedTrail',
        bucket: 'smcp-local-plainbucket',
        isLogging: false,
        multiRegion: true,
        selectors: [{ readWriteType: 'WriteOnly', excludedSources: [] }],
      },
    ]);
    expect(stack.registry.get('ReadTrail')?.attributes.Arn).toBe(
      'arn:aws:cloudtrail:us-east-1:000000000000:trail/smcp-local-read-trail',
    );
  });
});

// The read pipeline on an existing trail's bucket (stage param readsTrailBucket, docs/read-anomalies.md): the local
// stack, built from serverless.yml resolved with the param, has no trail and no trail bucket of its own; the bucket is
// the test's (created through the local S3, its EventBridge notifications turned on as an operator would), and so is
// the trail that delivers to it (an account's existing trail of every management event, every region).
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { logFile, readRecord, sample } from './log-file-fixtures.ts';
import { readsNames } from './names.ts';
import { countedMinutes, createSecret, reader, readFor } from './support.ts';

const BUCKET = 'org-trail-logs-000000000000';
const ORG = 'o-aa111bb222';
let t: TestCloud;
let names: ReturnType<typeof readsNames>;
const logged: string[] = [];

const summaries = () =>
  logged.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.message === 'Reads ingested');

/** A key of an organisation trail's log file (or digest) for `account` and `region`, at the clock's time. */
const orgKey = (account: string, region: string, kind: 'CloudTrail' | 'CloudTrail-Digest' = 'CloudTrail') => {
  const at = t.clock.now().toISOString();
  const [date, stamp] = [
    at.slice(0, 10).replaceAll('-', '/'),
    `${at.slice(0, 10).replaceAll('-', '')}T${at.slice(11, 13)}${at.slice(14, 16)}Z`,
  ];
  return kind === 'CloudTrail'
    ? `AWSLogs/${ORG}/${account}/CloudTrail/${region}/${date}/${account}_CloudTrail_${region}_${stamp}_OrgTrailFile0001.json.gz`
    : `AWSLogs/${ORG}/${account}/CloudTrail-Digest/${region}/${date}/${account}_CloudTrail-Digest_${region}_org-trail_${region}_${stamp}00Z.json.gz`;
};

const waiting = async (queueName: string) => {
  const { QueueUrl } = await t.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const { Messages } = await t.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages ?? [];
};

beforeAll(async () => {
  t = await startTestCloud({
    start: '2026-01-05T09:00:10Z',
    params: { readsTrailBucket: BUCKET },
    // The account's existing trail: every management event (reads and writes), every region, into that bucket.
    trails: [
      {
        name: 'account-trail',
        bucket: BUCKET,
        isLogging: true,
        multiRegion: true,
        selectors: [{ readWriteType: 'All', excludedSources: [] }],
      },
    ],
    logLevel: 'DEBUG',
    functionLogs: {
      onLine: (functionName, line) => {
        if (functionName === functionNamed(t.cloud.stack, 'ingest-reads')) logged.push(line);
      },
    },
  });
  names = readsNames(t.cloud.stack);
  await t.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // `aws s3api put-bucket-notification-configuration --notification-configuration '{"EventBridgeConfiguration":{}}'`
  await t.clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    }),
  );
});
afterAll(async () => t?.cloud.stop());

describe('the read pipeline on an existing trail’s bucket', () => {
  it('builds no trail and no trail bucket of its own, and points the rule and ingest-reads at that bucket', () => {
    const { stack } = t.cloud;
    const rule = stack.rules.find((r) => r.name.endsWith('-read-log-files'));

    expect(stack.trails).toEqual([]);
    expect(stack.buckets.map((b) => b.logicalId)).toEqual(['ReadStateBucket']);
    expect(t.cloud.cloudTrail.trails().map((trail) => trail.name)).toEqual(['account-trail']);
    expect(rule?.eventPattern).toMatchObject({ detail: { bucket: { name: [BUCKET] } } });
    expect(stack.environment.READ_TRAIL_BUCKET).toBe(BUCKET);
  });

  it('ingests a log file put into that bucket in an organisation trail’s layout, and no digest or other account’s file', async () => {
    const arn = await createSecret(t, 'existing/org-layout');
    const minute = t.clock.now().toISOString().slice(0, 16);
    const time = t.clock
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    const records = [readRecord('11111111-1111-4111-8111-111111111111', arn, { time }), sample('DescribeSecret')];
    const put = (key: string, body: Buffer | string) =>
      t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

    await put(orgKey('000000000000', 'us-east-1'), logFile(records));
    await put(orgKey('000000000000', 'us-east-1', 'CloudTrail-Digest'), '{"digest":true}');
    await put(
      orgKey('111122223333', 'us-east-1'),
      logFile([readRecord('22222222-2222-4222-8222-222222222222', arn, { time })]),
    );
    await put(
      orgKey('000000000000', 'eu-west-1'),
      logFile([readRecord('33333333-3333-4333-8333-333333333333', arn, { time })]),
    );
    await t.cloud.whenIdle();

    expect((await countedMinutes(t, arn)).map((m) => [m.minute.slice(0, 16), m.n])).toEqual([[minute, 1]]);
    // The rule let only this account's and region's log file through: one file read, nothing skipped or parked.
    expect(summaries().at(-1)).toMatchObject({ files: 1, reads: 1, counted: 1, otherObjects: 0, elsewhere: 0 });
    expect(await waiting(names.readLogFilesDeadLetterQueue)).toEqual([]);
    expect(await waiting(names.deadLetterQueue)).toEqual([]);
  });

  it('counts the reads the existing trail delivers into that bucket', async () => {
    const arn = await createSecret(t, 'existing/account-trail');
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), arn, 3);

    const keys = await t.cloud.cloudTrail.deliver();
    await t.cloud.whenIdle();

    expect(keys).toEqual([expect.stringMatching(/^AWSLogs\/000000000000\/CloudTrail\/us-east-1\//)]);
    const listed = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: keys[0] }));
    expect(listed.KeyCount).toBe(1);
    expect((await countedMinutes(t, arn)).map((m) => m.n)).toEqual([3]);
    // The trail logs writes too (CreateSecret): in the file, skipped.
    expect(summaries().at(-1)).toMatchObject({ files: 1, reads: 3, counted: 3, malformed: 0 });
    expect(Number(summaries().at(-1)?.skipped)).toBeGreaterThan(0);
  });
});

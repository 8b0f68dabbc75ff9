// Real reads through the real pipeline: SDK → Secrets Manager emulator → CloudTrail record → the stack's read trail
// (ReadOnly management events) → a gzipped log file in the trail bucket (local S3) → S3 Object Created → the
// read-log-files rule → SQS → ingest-reads (GetObject, gunzip, stream) → the read counters in S3.
import { gunzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { logFile, logFileKey, objectCreated, readRecord } from './log-file-fixtures.ts';
import { readsNames } from './names.ts';
import { countedMinutes, createSecret, reader, readFor } from './support.ts';

const CANARY = 'CANARY-ingest-9d2e-never-logged';
let t: TestCloud;
let names: ReturnType<typeof readsNames>;
/** Every log line of ingest-reads (Powertools' JSON). */
const logged: string[] = [];
/** Every event on the bus, in order. */
const seen: BusEvent[] = [];

/** A secret's counted minutes (the read objects in S3, through the functions' adapter). */
const items = (secretArn: string) => countedMinutes(t, secretArn);

const url = async (name: string) =>
  (await t.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';

/** What waits in a queue (left there: a zero visibility timeout). */
const waiting = async (name: string) =>
  (
    (
      await t.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: await url(name), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      )
    ).Messages ?? []
  ).map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>);

/** The trail's pending records become a log file now; then everything it sets off runs. */
const deliver = async () => {
  const keys = await t.cloud.cloudTrail.deliver();
  await t.cloud.whenIdle();
  return keys;
};

const summaries = () =>
  logged.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.message === 'Reads ingested');

beforeAll(async () => {
  t = await startTestCloud({
    start: '2026-01-05T09:00:10Z',
    logLevel: 'DEBUG',
    functionLogs: {
      onLine: (functionName, line) => {
        if (functionName === functionNamed(t.cloud.stack, 'ingest-reads')) logged.push(line);
      },
    },
  });
  names = readsNames(t.cloud.stack);
  t.cloud.bus.tap((event) => seen.push(event));
});
afterAll(async () => t?.cloud.stop());

describe('ingest-reads through the local cloud', () => {
  it('counts reads per secret ARN and minute, by name or ARN, and per principal, from the trail’s log file', async () => {
    const arn = await createSecret(t, 'ingest/by-name');
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), 'ingest/by-name', 3);
    await readFor(reader(t, 'AKIAAPPSERVER0000002'), arn, 2);

    const keys = await deliver();

    expect(keys).toEqual([
      expect.stringMatching(
        /^AWSLogs\/000000000000\/CloudTrail\/us-east-1\/2026\/01\/05\/000000000000_CloudTrail_us-east-1_20260105T0900Z_[A-Za-z0-9]{16}\.json\.gz$/,
      ),
    ]);
    const [bucket, ...others] = await items(arn);
    expect(others).toEqual([]);
    expect(bucket?.minute).toBe('2026-01-05T09:00:00.000Z');
    expect(bucket?.n).toBe(5);
    // One count per principal: locally an AKIA… key signs as the IAM user of that name.
    expect(bucket?.principals).toEqual({
      'arn:aws:iam::000000000000:user/AKIAAPPSERVER0000001|AKIAAPPSERVER0000001': 3,
      'arn:aws:iam::000000000000:user/AKIAAPPSERVER0000002|AKIAAPPSERVER0000002': 2,
    });
    // One object for the file's one hour, under reads/ of the stack's state bucket.
    const listed = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: names.stateBucket, Prefix: 'reads/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([
      expect.stringMatching(/^reads\/2026\/01\/05\/09\/00-00-[0-9a-f]{32}\.json\.gz$/),
    ]);
    // The trail holds the other read-only calls too (the emulator's DescribeSecret of the resolver, say): skipped.
    expect(summaries().at(-1)).toMatchObject({ files: 1, reads: 5, counted: 5, malformed: 0, deadLettered: 0 });
  });

  it('counts reads once the trail delivers on its clock, a minute after the first', async () => {
    const arn = await createSecret(t, 'ingest/on-the-clock');
    const minute = t.clock.now().getTime() - (t.clock.now().getTime() % 60_000);
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), arn, 4);
    await t.cloud.whenIdle();
    expect(await items(arn)).toEqual([]);

    await t.clock.advance(60_000);
    await t.cloud.whenIdle();

    expect((await items(arn)).map((i) => [i.minute, i.n])).toEqual([[new Date(minute).toISOString(), 4]]);
  });

  it('counts a BatchGetSecretValue once per secret it returned', async () => {
    const a = await createSecret(t, 'ingest/batch-a');
    const b = await createSecret(t, 'ingest/batch-b');

    await reader(t, 'AKIABATCHREADER00001').send(
      new BatchGetSecretValueCommand({ SecretIdList: ['ingest/batch-a', 'ingest/batch-b'] }),
    );
    await deliver();

    expect((await items(a)).map((i) => i.n)).toEqual([1]);
    expect((await items(b)).map((i) => i.n)).toEqual([1]);
  });

  it('counts records once when CloudTrail delivers them again in a second file, and a file notified twice', async () => {
    const arn = await createSecret(t, 'ingest/twice');
    const before = seen.length;
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), arn, 6);
    const [first] = await deliver();
    const records = seen
      .slice(before)
      .filter((e) => (e.detail as { eventName?: string }).eventName === 'GetSecretValue')
      .map((e) => e.detail);
    expect(records).toHaveLength(6);

    // The same records (same eventIDs) in a second log file.
    for (const record of records) t.cloud.cloudTrail.record(record);
    const [second] = await deliver();
    // And S3 notifying the first file again.
    await t.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: await url(names.readLogFilesQueue),
        MessageBody: JSON.stringify(objectCreated(names.trailBucket, first ?? '')),
      }),
    );
    await t.cloud.whenIdle();

    expect(second).not.toBe(first);
    expect((await items(arn)).map((i) => i.n)).toEqual([6]);
    expect(summaries().slice(-2)).toMatchObject([
      { files: 1, reads: 6, counted: 0 },
      { files: 1, reads: 6, counted: 0 },
    ]);
  });

  it('dead-letters a file that is gone or not gzip, naming bucket, key and reason, and never retries it', async () => {
    const arn = await createSecret(t, 'ingest/bad-files');
    const gone = logFileKey('GONEGONEGONEGONE', '20260105T0901Z');
    const plain = logFileKey('PLAINPLAINPLAIN1', '20260105T0901Z');
    const broken = logFileKey('BROKENBROKENBROK', '20260105T0901Z');
    // Written into the trail bucket, so the bucket's own notification announces them (as it would a forger's file).
    await t.clients.s3.send(new PutObjectCommand({ Bucket: names.trailBucket, Key: gone, Body: logFile([]) }));
    await t.clients.s3.send(new DeleteObjectCommand({ Bucket: names.trailBucket, Key: gone }));
    await t.clients.s3.send(
      new PutObjectCommand({ Bucket: names.trailBucket, Key: plain, Body: `{"Records":[{"note":"${CANARY}"}]}` }),
    );
    await t.clients.s3.send(
      new PutObjectCommand({
        Bucket: names.trailBucket,
        Key: broken,
        Body: logFile([readRecord('0badf11e-0000-4000-8000-000000000001', arn)]).subarray(0, 50),
      }),
    );
    await t.cloud.whenIdle();

    const letters = (await waiting(names.deadLetterQueue)).filter((l) => l.source === 'ingest-reads');
    expect(letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'The log file does not exist', bucket: names.trailBucket, key: gone }),
        expect.objectContaining({ reason: 'not gzip', bucket: names.trailBucket, key: plain }),
        expect.objectContaining({ reason: 'not gzip', bucket: names.trailBucket, key: broken }),
      ]),
    );
    expect(JSON.stringify(letters)).not.toContain(CANARY);
    expect(logged.join('\n')).not.toContain(CANARY);
    // Nothing waits for a retry, nothing went to the queue's own dead letters, nothing was counted.
    expect(await waiting(names.readLogFilesQueue)).toEqual([]);
    expect(await waiting(names.readLogFilesDeadLetterQueue)).toEqual([]);
    expect(await items(arn)).toEqual([]);
  });

  it('parks a malformed queue message in the dead-letter queue instead of retrying it', async () => {
    const queue = await url(names.readLogFilesQueue);

    await t.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: '{"source":"aws.s3"}' }));
    await t.cloud.whenIdle();

    expect(await waiting(names.readLogFilesQueue)).toEqual([]);
    expect(await waiting(names.deadLetterQueue)).toContainEqual(
      expect.objectContaining({ source: 'ingest-reads', reason: 'Not an S3 Object Created event' }),
    );
  });

  it('never writes a secret’s value into a log file, a log line or a dead letter', async () => {
    const value = JSON.stringify({ username: 'app', password: CANARY });
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'ingest/canary', SecretString: value }));
    await t.clients.sm.send(new PutSecretValueCommand({ SecretId: 'ingest/canary', SecretString: `${CANARY}-2` }));
    const app = reader(t, 'AKIAAPPSERVER0000001');
    await app.send(new GetSecretValueCommand({ SecretId: 'ingest/canary' }));
    await app.send(new GetSecretValueCommand({ SecretId: 'ingest/no-such-secret' })).catch(() => undefined);

    const keys = await deliver();

    const files = await Promise.all(
      keys.map(async (key) => {
        const object = await t.clients.s3.send(new GetObjectCommand({ Bucket: names.trailBucket, Key: key }));
        return gunzipSync(Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()))).toString();
      }),
    );
    expect(files.join('')).toContain('ingest/canary');
    expect(files.join('')).not.toContain(CANARY);
    expect(logged.join('\n')).not.toContain(CANARY);
    expect(JSON.stringify(await waiting(names.deadLetterQueue))).not.toContain(CANARY);
  });
});

// The read counters in S3 (aws-sdk-client-mock over a Map, the adapter alone): one immutable object per log file and
// hour, found again by the hour prefixes and minute ranges a question touches.
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCounters, objectKey, rangeOfKey } from '../../functions/reads/adapters/counters.ts';
import { aggregateReads } from '../../functions/reads/domain/aggregate.ts';
import type { Read } from '../../functions/reads/domain/read-event.ts';

const s3 = mockClient(S3Client);
const objects = new Map<string, Buffer>();
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const OTHER = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/api-XyZxYz';
const T = Date.parse('2026-01-07T10:58:00Z');
const MINUTE = 60_000;

const read = (secretId: string, time: number, principal = 'arn:aws:iam::000000000000:user/ci|AKIA1'): Read => ({
  recordId: 'file',
  eventId: randomUUID(),
  secretId,
  time,
  principal,
  sourceIp: '198.51.100.7',
  userAgent: 'app/1',
  region: 'us-east-1',
});
const buckets = (reads: Read[]) => aggregateReads(reads, (id) => id).values();

beforeEach(() => {
  s3.reset();
  objects.clear();
  s3.on(PutObjectCommand).callsFake(async (input) => {
    objects.set(input.Key, Buffer.from(input.Body as Uint8Array));
    return { ETag: `"${objects.size}"` };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input) => ({
    Contents: [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).map((Key) => ({ Key, ETag: '"x"' })),
    IsTruncated: false,
  }));
  s3.on(GetObjectCommand).callsFake(async (input) => {
    const bytes = objects.get(input.Key);
    if (!bytes) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: { transformToByteArray: async () => new Uint8Array(bytes) }, ETag: '"x"' };
  });
});

describe('read log', () => {
  const log = () => createCounters({ s3: new S3Client({ region: 'us-east-1' }), bucket: 'read-state' });

  it('writes one object per hour a log file touches, keyed by its hour and minute range', async () => {
    const { keys } = await log().writeFile(
      'trail/AWSLogs/a.json.gz',
      buckets([read(ARN, T), read(ARN, T + 3 * MINUTE)]),
    );

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^reads\/2026\/01\/07\/10\/58-58-[0-9a-f]{32}\.json\.gz$/);
    expect(keys[1]).toMatch(/^reads\/2026\/01\/07\/11\/01-01-/);
    expect(rangeOfKey(keys[0] ?? '')).toEqual({ first: T, last: T });
    expect(objectKey(T, T, T, 'trail/AWSLogs/a.json.gz')).toBe(keys[0]);
  });

  it('counts a file processed twice once, and two files reading the same minute together', async () => {
    const first = [read(ARN, T), read(ARN, T + 10_000), read(OTHER, T + MINUTE)];
    await log().writeFile('trail/a.json.gz', buckets(first));
    await log().writeFile('trail/a.json.gz', buckets(first));
    await log().writeFile('trail/b.json.gz', buckets([read(ARN, T + 20_000, 'arn:aws:iam::000000000000:user/x')]));

    const reader = log();
    expect(await reader.bucketCounts(ARN, T - 10 * MINUTE, T + 10 * MINUTE)).toEqual(new Map([[T, 3]]));
    expect(await reader.activeSecrets([T, T + MINUTE, T + 2 * MINUTE])).toEqual(
      new Map([
        [T, [ARN]],
        [T + MINUTE, [OTHER]],
      ]),
    );
    const who = await reader.readers(ARN, T, T);
    expect(who.principals).toEqual([
      { principal: 'arn:aws:iam::000000000000:user/ci|AKIA1', count: 2 },
      { principal: 'arn:aws:iam::000000000000:user/x', count: 1 },
    ]);
    expect(who.sourceIps).toEqual(['198.51.100.7']);
  });

  it('looks for reads counted already only in objects whose minutes overlap the file’s', async () => {
    const early = T - 50 * MINUTE; // 10:08
    const repeated = read(ARN, T - 20 * MINUTE); // 10:38, CloudTrail's event in two files
    await log().writeFile('trail/early.json.gz', buckets([read(ARN, early)]));
    await log().writeFile('trail/a.json.gz', buckets([repeated, read(ARN, T - 21 * MINUTE)]));
    s3.resetHistory();

    const written = await log().writeFile('trail/b.json.gz', buckets([repeated, read(ARN, T - 20 * MINUTE + 1000)]));

    expect(written).toMatchObject({ counted: 1, duplicates: 1 });
    const fetched = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
    expect(fetched).toHaveLength(1);
    expect(rangeOfKey(fetched[0] ?? '')).toEqual({ first: T - 21 * MINUTE, last: T - 20 * MINUTE });
  });

  it('answers a window from one listing per hour, whatever the number of secrets asked about', async () => {
    await log().writeFile('trail/a.json.gz', buckets([read(ARN, T), read(OTHER, T)]));
    s3.resetHistory();

    const window = await log().window(T - 10 * MINUTE, T);
    expect(window.bucketCounts(ARN, T - 10 * MINUTE, T)).toEqual(new Map([[T, 1]]));
    expect(window.bucketCounts(OTHER, T - 10 * MINUTE, T)).toEqual(new Map([[T, 1]]));
    expect(window.readers(ARN, T, T).principals).toHaveLength(1);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('reads each object once per container, and leaves out minutes outside the question', async () => {
    await log().writeFile('trail/a.json.gz', buckets([read(ARN, T), read(ARN, T + MINUTE)]));
    const reader = log();
    s3.resetHistory();

    expect(await reader.bucketCounts(ARN, T + MINUTE, T + MINUTE)).toEqual(new Map([[T + MINUTE, 1]]));
    expect(await reader.bucketCounts(ARN, T, T + MINUTE)).toEqual(
      new Map([
        [T, 1],
        [T + MINUTE, 1],
      ]),
    );
    // Both minutes are in one object, read by the first question only.
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    const usage = await reader.usage(T, T + MINUTE);
    expect(usage).toEqual([
      {
        secretArn: ARN,
        minutes: [
          { minute: T, reads: 1, principals: { 'arn:aws:iam::000000000000:user/ci|AKIA1': 1 } },
          { minute: T + MINUTE, reads: 1, principals: { 'arn:aws:iam::000000000000:user/ci|AKIA1': 1 } },
        ],
      },
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('names at most 100 principals per secret and minute and counts the rest together', async () => {
    const many = Array.from({ length: 120 }, (_, i) => read(ARN, T, `arn:aws:iam::000000000000:user/u${i}`));
    await log().writeFile('trail/a.json.gz', buckets(many));
    const who = await log().readers(ARN, T, T);
    expect(who.principals).toHaveLength(101);
    expect(who.principals[0]).toEqual({ principal: '(other principals)', count: 20 });
  });
});

// The log-file reader (functions/reads/adapters/log-files.ts) over a mocked S3: what it hands on from a gzipped
// CloudTrail log file, and which failures it names (gone, not gzip, not JSON) and which it leaves to be retried —
// the same whichever way the file is read: whole (a small object), streamed (a large one, or one whose size S3 did
// not say), or streamed after it inflated beyond what is parsed whole.
import 'aws-sdk-client-mock-vitest/extend';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogFiles } from '../../functions/reads/adapters/log-files.ts';
import { LogFileGoneError, LogFileUnreadableError } from '../../functions/reads/errors.ts';
import { logFile, logFileKey, readRecord, sample } from './log-file-fixtures.ts';

const BUCKET = 'smcp-test-read-trail-000000000000-us-east-1';
const KEY = logFileKey();
const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });

const READERS = [
  { way: 'whole', logFiles: createLogFiles({ s3: client }), sized: true },
  { way: 'streamed (a large object)', logFiles: createLogFiles({ s3: client, wholeFileBytes: 10 }), sized: true },
  { way: 'streamed (no size given)', logFiles: createLogFiles({ s3: client }), sized: false },
  {
    way: 'streamed (inflated beyond what is parsed whole)',
    logFiles: createLogFiles({ s3: client, wholeFileText: 16 }),
    sized: true,
  },
] as const;

beforeEach(() => s3.reset());

describe.each(READERS)('log-file reader, $way', ({ logFiles, sized }) => {
  /** GetObject answers with `bytes`, handed out in chunks of `chunk` bytes, as a socket would. */
  const serve = (bytes: Buffer, chunk = 1024) => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from(chunks, { objectMode: false }),
      ...(sized ? { ContentLength: bytes.length } : {}),
    }));
  };

  const readAll = async () => {
    const records: unknown[] = [];
    const count = await logFiles.read(BUCKET, KEY, (r) => records.push(r));
    return { count, records };
  };

  it('hands on every record of the file, whole and in order, from one GetObject', async () => {
    const records = [
      readRecord('11111111-1111-4111-8111-111111111111', 'app/db'),
      sample('DescribeSecret'),
      sample('GetSecretValue.AccessDenied'),
      sample('PutResourcePolicy'),
    ];
    serve(logFile(records), 100);

    const out = await readAll();

    expect(out).toEqual({ count: 4, records });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: KEY });
  });

  it('reads a file of 20,000 records', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) =>
      readRecord(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `app/db-${i % 50}`),
    );
    serve(logFile(records), 16 * 1024);
    let seen = 0;
    let last: unknown;

    const count = await logFiles.read(BUCKET, KEY, (record) => {
      seen++;
      last = record;
    });

    expect(count).toBe(20_000);
    expect(seen).toBe(20_000);
    expect(last).toEqual(records.at(-1));
  });

  it('reads an empty Records array, or a document without one, as no records', async () => {
    serve(gzipSync('{"Records":[]}'));
    expect(await readAll()).toEqual({ count: 0, records: [] });

    serve(gzipSync('{"digestStartTime":"2026-01-07T10:00:00Z"}'));
    expect(await readAll()).toEqual({ count: 0, records: [] });
  });

  it('names a file that is gone (NoSuchKey: expired by the lifecycle rule)', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    await expect(readAll()).rejects.toThrow(LogFileGoneError);
    await expect(readAll()).rejects.toThrow(`Log file s3://${BUCKET}/${KEY} does not exist`);
  });

  it.each([
    ['plain JSON, not gzip', Buffer.from('{"Records":[]}'), 'not gzip'],
    ['an empty object', Buffer.alloc(0), 'not gzip'],
    ['a truncated gzip', logFile([sample('DescribeSecret')]).subarray(0, 40), 'not gzip'],
    ['gzip of text that is not JSON', gzipSync('Records: none'), 'not JSON'],
    ['gzip of JSON cut short', gzipSync('{"Records":[{"eventID":"a"'), 'not JSON'],
  ])('names %s as unreadable', async (_what, bytes, reason) => {
    serve(bytes);

    const error = await readAll().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LogFileUnreadableError);
    expect((error as LogFileUnreadableError).reason).toBe(reason);
  });

  it('leaves what may pass to a retry: throttling, and a connection dropped mid-file', async () => {
    const throttled = Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' });
    s3.on(GetObjectCommand).rejects(throttled);
    await expect(readAll()).rejects.toBe(throttled);

    const bytes = logFile(Array.from({ length: 200 }, () => sample('DescribeSecret')));
    const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from(
        (async function* () {
          yield bytes.subarray(0, 200);
          throw dropped;
        })(),
      ),
      ...(sized ? { ContentLength: bytes.length } : {}),
    }));
    const error = await readAll().catch((e: unknown) => e);
    expect(error).toBe(dropped);
    expect(error).not.toBeInstanceOf(LogFileUnreadableError);
  });

  it('ends the read with what the record handler throws', async () => {
    serve(logFile([sample('DescribeSecret'), sample('DescribeSecret')]));
    const stop = new Error('stop');

    await expect(
      logFiles.read(BUCKET, KEY, () => {
        throw stop;
      }),
    ).rejects.toBe(stop);
  });
});

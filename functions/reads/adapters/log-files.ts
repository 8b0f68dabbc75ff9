// CloudTrail log files in S3: one GetObject, gunzipped and parsed as the bytes arrive, each record handed on as soon
// as it is whole, so a 100 MB log file is never held in memory (stream-json: a token parser, then only the elements
// of `Records` assembled, one at a time). NoSuchKey and bytes that are not gzip or not JSON become the area's errors
// (not retried); anything else (throttling, 5xx, a dropped connection) is rethrown for the message to be retried.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';
import { LogFileGoneError, LogFileUnreadableError } from '../errors.ts';

interface LogFiles {
  /**
   * Streams the records of the log file at `bucket`/`key` to `onRecord`, in file order; resolves with how many there
   * were. `onRecord` runs synchronously as each record is parsed; what it throws ends the read with that error.
   */
  read(bucket: string, key: string, onRecord: (record: unknown) => void): Promise<number>;
}

/** Each element of the top-level `Records` array, whole: the path stream-json's pick matches. */
const RECORD_PATH = /^Records\.\d+$/;

const isMissing = (error: unknown) => {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
};

const createLogFiles = ({ s3 }: { s3: S3Client }): LogFiles => ({
  async read(bucket, key, onRecord) {
    let body: NodeJS.ReadableStream | undefined;
    try {
      body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as
        | NodeJS.ReadableStream
        | undefined;
    } catch (error) {
      if (isMissing(error)) throw new LogFileGoneError(bucket, key, { cause: error });
      throw error;
    }
    if (!body) throw new LogFileUnreadableError(bucket, key, 'the object has no body');

    // The stage that failed first tells what is wrong: once one stage fails, the pipeline destroys the others with
    // the same error, and only the first to fail is the culprit.
    let failed: 'body' | 'gzip' | 'json' | 'handler' | undefined;
    // 64 KiB out of gunzip at a time (its default is 16): fewer, larger chunks through the parser's stages.
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    const records = chain([
      // Packed tokens only: a record's strings are assembled whole either way, and skipping the streamed pieces
      // makes parsing several times faster.
      parser({ streamValues: false }),
      pick({ filter: RECORD_PATH }),
      streamValues(),
    ]);
    body.once('error', () => {
      failed ??= 'body';
    });
    gunzip.once('error', () => {
      failed ??= 'gzip';
    });
    records.once('error', () => {
      failed ??= 'json';
    });
    let count = 0;
    const sink = new Writable({
      objectMode: true,
      write(item: { value: unknown }, _encoding, done) {
        count++;
        try {
          onRecord(item.value);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
    });
    sink.once('error', () => {
      failed ??= 'handler';
    });
    try {
      await pipeline(body, gunzip, records, sink);
    } catch (error) {
      if (failed === 'gzip') throw new LogFileUnreadableError(bucket, key, 'not gzip', { cause: error });
      if (failed === 'json') throw new LogFileUnreadableError(bucket, key, 'not JSON', { cause: error });
      throw error;
    }
    return count;
  },
});

export type { LogFiles };
export { createLogFiles };

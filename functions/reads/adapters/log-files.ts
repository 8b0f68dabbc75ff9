// CloudTrail log files in S3: one GetObject, then the records handed on one at a time. A file of at most
// WHOLE_FILE_BYTES compressed (nearly all: CloudTrail writes a file every ~5 minutes per region) is gunzipped in one
// call and parsed by JSON.parse, several times faster than a token parser; if it inflates beyond WHOLE_FILE_TEXT, and
// for any larger file, the records are parsed as the bytes arrive, so a 100 MB log file is never held in memory
// (stream-json: a token parser, then only the elements of `Records` assembled, one at a time). NoSuchKey and bytes
// that are not gzip or not JSON become the area's errors (not retried); anything else (throttling, 5xx, a dropped
// connection) is rethrown for the message to be retried.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip as gunzipCallback } from 'node:zlib';
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
/** Largest object (compressed) read whole, unless told: CloudTrail's JSON compresses 10–20×. */
const WHOLE_FILE_BYTES = 2 * 1024 * 1024;
/** Largest text parsed whole, unless told: some 15,000 records, a parsed file of about 60 MB of heap at most. */
const WHOLE_FILE_TEXT = 24 * 1024 * 1024;

const gunzip = promisify(gunzipCallback);

type Stage = 'body' | 'gzip' | 'json' | 'handler';

/** The error of the stage that failed first, or `error` itself (a transient failure, a handler's own). */
const failureOf = (bucket: string, key: string, stage: Stage | undefined, error: unknown): unknown => {
  if (stage === 'gzip') return new LogFileUnreadableError(bucket, key, 'not gzip', { cause: error });
  if (stage === 'json') return new LogFileUnreadableError(bucket, key, 'not JSON', { cause: error });
  return error;
};

/**
 * A small file's records: gunzipped in one call, parsed whole. Undefined when it inflates beyond WHOLE_FILE_TEXT
 * (then it is streamed like a large one). A JSON value without a `Records` array holds no records, as when streamed.
 */
const readWhole = async (
  bucket: string,
  key: string,
  bytes: Uint8Array,
  maxText: number,
  onRecord: (record: unknown) => void,
): Promise<number | undefined> => {
  let text: string;
  try {
    text = (await gunzip(bytes, { maxOutputLength: maxText })).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw failureOf(bucket, key, 'gzip', error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw failureOf(bucket, key, 'json', error);
  }
  const records = (parsed as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return 0;
  for (const record of records) onRecord(record);
  return records.length;
};

const isMissing = (error: unknown) => {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
};

/** A large file's records, parsed as the bytes arrive. */
const readStreaming = async (
  bucket: string,
  key: string,
  body: NodeJS.ReadableStream,
  onRecord: (record: unknown) => void,
): Promise<number> => {
  // The stage that failed first tells what is wrong: once one stage fails, the pipeline destroys the others with
  // the same error, and only the first to fail is the culprit.
  let failed: Stage | undefined;
  // 64 KiB out of gunzip at a time (its default is 16): fewer, larger chunks through the parser's stages.
  const inflate = createGunzip({ chunkSize: 64 * 1024 });
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
  inflate.once('error', () => {
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
    await pipeline(body, inflate, records, sink);
  } catch (error) {
    throw failureOf(bucket, key, failed, error);
  }
  return count;
};

interface LogFileOptions {
  readonly s3: S3Client;
  /** Objects of at most this many bytes are read whole (WHOLE_FILE_BYTES unless given). */
  readonly wholeFileBytes?: number;
  /** …and parsed whole if they inflate to at most this many bytes (WHOLE_FILE_TEXT unless given). */
  readonly wholeFileText?: number;
}

const createLogFiles = ({
  s3,
  wholeFileBytes = WHOLE_FILE_BYTES,
  wholeFileText = WHOLE_FILE_TEXT,
}: LogFileOptions): LogFiles => ({
  async read(bucket, key, onRecord) {
    let body: NodeJS.ReadableStream | undefined;
    let size: number | undefined;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = object.Body as NodeJS.ReadableStream | undefined;
      size = object.ContentLength;
    } catch (error) {
      if (isMissing(error)) throw new LogFileGoneError(bucket, key, { cause: error });
      throw error;
    }
    if (!body) throw new LogFileUnreadableError(bucket, key, 'the object has no body');
    if (size !== undefined && size <= wholeFileBytes) {
      const chunks: Buffer[] = [];
      for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      const count = await readWhole(bucket, key, bytes, wholeFileText, onRecord);
      if (count !== undefined) return count;
      body = Readable.from([bytes]);
    }
    return readStreaming(bucket, key, body, onRecord);
  },
});

export type { LogFiles };
export { createLogFiles };

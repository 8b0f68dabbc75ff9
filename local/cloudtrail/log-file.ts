// A CloudTrail log file as CloudTrail writes it: the key
// `[<prefix>/]AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 random>.json.gz`
// and the body, gzip of `{"Records":[…]}`. A file being filled holds no record objects: each record arrives as its
// JSON text, is copied into a batch of bytes, a batch at a time goes to a gzip stream (compressed on libuv's threads,
// off the endpoint's), and only the compressed bytes stay until the file is delivered.
import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Bytes of JSON per write to the gzip stream: one hand-over to zlib for about a hundred records, not one per record.
const BATCH_BYTES = 128 * 1024;

const randomSuffix = (): string => {
  let suffix = '';
  // 62 letters: bytes of 248 and up are skipped, so every letter is equally likely.
  while (suffix.length < 16) {
    for (const byte of randomBytes(24)) {
      if (byte < 248 && suffix.length < 16) suffix += ALPHABET[byte % 62];
    }
  }
  return suffix;
};

const pad = (n: number) => String(n).padStart(2, '0');

const logFileKey = (parts: {
  readonly keyPrefix?: string | undefined;
  readonly account: string;
  readonly region: string;
  readonly time: Date;
  readonly suffix?: string;
}): string => {
  const { account, region, time } = parts;
  const [y, m, d] = [time.getUTCFullYear(), pad(time.getUTCMonth() + 1), pad(time.getUTCDate())];
  const stamp = `${y}${m}${d}T${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}Z`;
  const prefix = parts.keyPrefix ? `${parts.keyPrefix.replace(/\/+$/, '')}/` : '';
  return `${prefix}AWSLogs/${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${stamp}_${parts.suffix ?? randomSuffix()}.json.gz`;
};

/** A log file being filled: records appended as JSON text, gzipped in batches as they come. */
const openLogFile = () => {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    gzip.on('end', () => resolve(Buffer.concat(chunks)));
    gzip.on('error', reject);
  });
  // Nobody may wait for a file that fails (it is logged where it is delivered).
  done.catch(() => {});
  // The text waiting for zlib is written into a buffer outside the heap as it comes, not kept as strings: a record's
  // text dies at once, and nothing of it is left for the collector to copy (docs/benchmarks.md).
  let batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  let used = 0;
  let count = 0;

  const flush = () => {
    if (used === 0) return;
    // zlib takes the bytes as they are; the next batch is a buffer of its own.
    gzip.write(batch.subarray(0, used));
    batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
    used = 0;
  };

  /** Appends text, handing a full batch to zlib first; text longer than a batch goes to zlib on its own. */
  const put = (text: string) => {
    const length = Buffer.byteLength(text);
    if (used + length > BATCH_BYTES) flush();
    if (length > BATCH_BYTES) {
      gzip.write(text);
      return;
    }
    used += batch.write(text, used, length, 'utf8');
  };

  return {
    append: (json: string) => {
      put(count === 0 ? '{"Records":[' : ',');
      put(json);
      count += 1;
    },
    get count() {
      return count;
    },
    /** The gzipped body; the file takes no more records. */
    finish: (): Promise<Buffer> => {
      if (count === 0) put('{"Records":[');
      put(']}');
      flush();
      gzip.end();
      return done;
    },
  };
};

type LogFile = ReturnType<typeof openLogFile>;

export type { LogFile };
export { logFileKey, openLogFile };

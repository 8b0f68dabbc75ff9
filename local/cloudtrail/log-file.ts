// A CloudTrail log file as CloudTrail writes it: the key
// `[<prefix>/]AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 random>.json.gz`
// and the body, gzip of `{"Records":[…]}`. A file being filled holds no record objects: each record arrives as its
// JSON text, a batch of them goes to a gzip stream (compressed on libuv's threads, off the endpoint's), and only the
// compressed bytes stay until the file is delivered.
import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Records per write to the gzip stream: ~100 KB of JSON, one hand-over to zlib instead of one per record.
const BATCH = 100;

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
  let batch: string[] = [];
  let written = false;
  let count = 0;

  const flush = () => {
    if (batch.length === 0) return;
    gzip.write(`${written ? ',' : '{"Records":['}${batch.join(',')}`);
    written = true;
    batch = [];
  };

  return {
    append: (json: string) => {
      batch.push(json);
      count += 1;
      if (batch.length >= BATCH) flush();
    },
    get count() {
      return count;
    },
    /** The gzipped body; the file takes no more records. */
    finish: (): Promise<Buffer> => {
      flush();
      gzip.end(written ? ']}' : '{"Records":[]}');
      return done;
    },
  };
};

type LogFile = ReturnType<typeof openLogFile>;

export type { LogFile };
export { logFileKey, openLogFile };

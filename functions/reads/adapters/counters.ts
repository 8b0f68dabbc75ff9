// The read counters as objects in S3: ingest-reads writes, per CloudTrail log file, one gzipped JSON object per hour
// the file's reads fall in (usually one), holding per secret and minute the count, the count per principal and where
// the reads came from. An object is written once and never updated, under a key derived from the log file's, so a
// file delivered or processed twice writes the same object again and counts once. One PUT per log file replaces a
// conditional DynamoDB write per (secret, minute) — the pipeline's largest cost (docs/read-anomalies.md).
//
// Readers list the hour prefixes a window touches (`reads/YYYY/MM/DD/HH/`), keep the objects whose minute range (in
// the key) overlaps it, and read those; objects are immutable, so each is fetched once per container (cached by key
// and ETag). The interface is the one the counters table had: activeSecrets, bucketCounts, readers, usage.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type BucketAggregate, countByPrincipal, MINUTE_MS, minuteOf } from '../domain/aggregate.ts';
import { OTHER_PRINCIPALS } from '../domain/keys.ts';
import type { SecretUsage } from '../domain/read-cost.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);
const HOUR_MS = 60 * MINUTE_MS;

/** One secret's reads in one minute, as an object stores them. */
interface MinuteReads {
  readonly n: number;
  /** Reads per principal (`<ARN>|<access key>`); beyond `maxPrincipals`, under OTHER_PRINCIPALS. */
  readonly p: Record<string, number>;
  readonly ips: string[];
  readonly uas: string[];
  readonly regions: string[];
}

interface ReadObject {
  readonly version: 1;
  /** The log file it was made from (`<bucket>/<key>`). */
  readonly source: string;
  /** Secret ARN → minute (ms, as text) → its reads. */
  readonly secrets: Record<string, Record<string, MinuteReads>>;
  /** The dedup ids (domain/aggregate.ts, 16 hex digits) of every read counted here, concatenated. */
  readonly ids: string;
}

interface WindowReaders {
  readonly principals: readonly { readonly principal: string; readonly count: number }[];
  readonly sourceIps: readonly string[];
  readonly userAgents: readonly string[];
  readonly regions: readonly string[];
}

interface CounterOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Most principals named per (secret, minute); the rest are counted together. */
  readonly maxPrincipals?: number;
  /** Most source IPs, user agents and regions kept per (secret, minute), each. */
  readonly maxValues?: number;
  /** How many objects a container keeps parsed (they never change). */
  readonly cacheObjects?: number;
  /** How many objects are fetched at once. */
  readonly concurrency?: number;
}

const PREFIX = 'reads/';
const pad = (n: number) => String(n).padStart(2, '0');

/** `reads/YYYY/MM/DD/HH/`: the prefix of the objects of the hour starting at `hour`. */
const hourPrefix = (hour: number) => {
  const d = new Date(hour);
  return `${PREFIX}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
};

const digestOf = (source: string) => createHash('sha256').update(source).digest('hex').slice(0, 32);

/** `<hour prefix><first minute>-<last minute>-<digest of the log file>.json.gz`, minutes of the hour (00–59). */
const objectKey = (hour: number, first: number, last: number, source: string) =>
  `${hourPrefix(hour)}${pad(new Date(first).getUTCMinutes())}-${pad(new Date(last).getUTCMinutes())}-${digestOf(source)}.json.gz`;

/** The minutes [first, last] an object key covers. */
const rangeOfKey = (key: string): { first: number; last: number } | undefined => {
  const match = /^reads\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})-(\d{2})-[0-9a-f]+\.json\.gz$/.exec(key);
  if (!match) return undefined;
  const [, y, mo, d, h, a, b] = match;
  const hour = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h));
  return { first: hour + Number(a) * MINUTE_MS, last: hour + Number(b) * MINUTE_MS };
};

const limited = (values: Iterable<string>, max: number) => [...new Set(values)].slice(0, max);

const createCounters = ({
  s3,
  bucket,
  maxPrincipals = 100,
  maxValues = 50,
  cacheObjects = 2000,
  concurrency = 16,
}: CounterOptions) => {
  const cache = new Map<string, { etag: string; object: ReadObject }>();

  /**
   * Writes the reads of one log file (`source`: its bucket and key), one object per hour they fall in, leaving out
   * reads another log file's objects already counted (CloudTrail may deliver an event twice; objects of the same file
   * are its own earlier attempt and are written again whole). Writing the same file again writes the same objects.
   */
  const writeFile = async (
    source: string,
    buckets: Iterable<BucketAggregate>,
  ): Promise<{
    keys: string[];
    /** Reads counted for the first time (not in another file's objects, nor in this file's earlier attempt). */
    counted: number;
    /** Reads another log file's objects had counted already. */
    duplicates: number;
  }> => {
    const all = [...buckets];
    const own = digestOf(source);
    // A read's minute comes from its eventTime, so a read another file counted is in an object of the same hour whose
    // minutes include it: only objects overlapping this file's minutes of that hour can hold one.
    const hours = new Map<number, { first: number; last: number }>();
    for (const { minute } of all) {
      const hour = Math.floor(minute / HOUR_MS) * HOUR_MS;
      const range = hours.get(hour);
      if (!range) hours.set(hour, { first: minute, last: minute });
      else {
        range.first = Math.min(range.first, minute);
        range.last = Math.max(range.last, minute);
      }
    }
    // The other objects' ids are only looked up in this file's, never collected: they can be many times more.
    const mine = new Set<string>();
    for (const bucket of all) for (const id of bucket.reads.keys()) mine.add(id);
    /** This file's reads that another file's objects counted. */
    const seen = new Set<string>();
    /** This file's objects written by an earlier attempt: written again, their reads not counted as new. */
    const earlier = new Set<string>();
    for (const { first, last } of hours.values()) {
      const listed = await keysFor(first, last);
      for (const k of listed) if (k.key.endsWith(`-${own}.json.gz`)) earlier.add(k.key);
      for (const object of await fetchAll(listed.filter((k) => !earlier.has(k.key)))) {
        const ids = object?.ids ?? '';
        for (let i = 0; i + 16 <= ids.length; i += 16) {
          const id = ids.slice(i, i + 16);
          if (mine.has(id)) seen.add(id);
        }
      }
    }
    const byHour = new Map<number, { first: number; last: number; secrets: ReadObject['secrets']; ids: string[] }>();
    let duplicates = 0;
    for (const bucket of all) {
      const fresh = [...bucket.reads].filter(([id]) => !seen.has(id));
      duplicates += bucket.reads.size - fresh.length;
      if (fresh.length === 0) continue;
      const hour = Math.floor(bucket.minute / HOUR_MS) * HOUR_MS;
      const entry = byHour.get(hour) ?? { first: bucket.minute, last: bucket.minute, secrets: {}, ids: [] };
      entry.first = Math.min(entry.first, bucket.minute);
      entry.last = Math.max(entry.last, bucket.minute);
      const reads = fresh.map(([, read]) => read);
      for (const [id] of fresh) entry.ids.push(id);
      const p: Record<string, number> = {};
      let named = 0;
      for (const [principal, count] of countByPrincipal(reads)) {
        const name = named < maxPrincipals ? principal : OTHER_PRINCIPALS;
        if (name === principal) named++;
        p[name] = (p[name] ?? 0) + count.count;
      }
      const minutes = entry.secrets[bucket.secretArn] ?? {};
      minutes[String(bucket.minute)] = {
        n: reads.length,
        p,
        ips: limited(
          reads.map((r) => r.sourceIp),
          maxValues,
        ),
        uas: limited(
          reads.map((r) => r.userAgent),
          maxValues,
        ),
        regions: limited(
          reads.map((r) => r.region),
          maxValues,
        ),
      };
      entry.secrets[bucket.secretArn] = minutes;
      byHour.set(hour, entry);
    }
    const keys: string[] = [];
    let counted = 0;
    for (const [hour, { first, last, secrets, ids }] of byHour) {
      const key = objectKey(hour, first, last, source);
      if (!earlier.has(key)) counted += ids.length;
      const object = { version: 1, source, secrets, ids: ids.join('') } satisfies ReadObject;
      const body = await gzip(JSON.stringify(object));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' }));
      keys.push(key);
    }
    return { keys, counted, duplicates };
  };

  /** The keys (with ETags) of the objects whose minutes overlap [from, to]. */
  const keysFor = async (from: number, to: number) => {
    const out: { key: string; etag: string }[] = [];
    for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour <= to; hour += HOUR_MS) {
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: hourPrefix(hour), ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          const range = item.Key ? rangeOfKey(item.Key) : undefined;
          if (item.Key && range && range.last >= from && range.first <= to)
            out.push({ key: item.Key, etag: item.ETag ?? '' });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return out;
  };

  const readObject = async ({ key, etag }: { key: string; etag: string }): Promise<ReadObject | undefined> => {
    const hit = cache.get(key);
    if (hit && hit.etag === etag) return hit.object;
    let bytes: Uint8Array;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      // Expired (lifecycle) between the listing and the read: nothing to count any more.
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    const object = JSON.parse((await gunzip(bytes)).toString('utf8')) as ReadObject;
    if (object.version !== 1) throw new Error(`s3://${bucket}/${key} is not a read object`);
    if (cache.size >= cacheObjects) cache.delete(cache.keys().next().value as string);
    cache.set(key, { etag, object });
    return object;
  };

  const fetchAll = async (keys: readonly { key: string; etag: string }[]) => {
    const objects: (ReadObject | undefined)[] = [];
    for (let i = 0; i < keys.length; i += concurrency)
      objects.push(...(await Promise.all(keys.slice(i, i + concurrency).map(readObject))));
    return objects;
  };

  /** Every (secret, minute, reads) in [from, to], of one secret or of all. */
  const minutesIn = async (from: number, to: number, secretArn?: string) => {
    const objects = await fetchAll(await keysFor(from, to));
    const out: { secretArn: string; minute: number; reads: MinuteReads }[] = [];
    for (const object of objects) {
      if (!object) continue;
      const entries = secretArn ? [[secretArn, object.secrets[secretArn]] as const] : Object.entries(object.secrets);
      for (const [arn, minutes] of entries) {
        for (const [text, reads] of Object.entries(minutes ?? {})) {
          const minute = Number(text);
          if (minute >= from && minute <= to) out.push({ secretArn: arn, minute, reads });
        }
      }
    }
    return out;
  };

  /**
   * The reads of [from, to] — of one secret or of all — fetched once and answered from memory: detect-spikes asks
   * for the secrets of its look-back and then each one's counts, which must not list the bucket once per secret.
   */
  const window = async (from: number, to: number, secretArn?: string) => {
    const entries = await minutesIn(minuteOf(from), to, secretArn);
    const bySecret = new Map<string, { minute: number; reads: MinuteReads }[]>();
    for (const { secretArn: arn, minute, reads } of entries) {
      const list = bySecret.get(arn) ?? [];
      list.push({ minute, reads });
      bySecret.set(arn, list);
    }
    const within = (arn: string, a: number, b: number) =>
      (bySecret.get(arn) ?? []).filter(({ minute }) => minute >= minuteOf(a) && minute <= b);

    /** The secrets read in each of the given minutes. */
    const activeSecrets = (minutes: readonly number[]): Map<number, string[]> => {
      const wanted = new Set(minutes);
      const out = new Map<number, Set<string>>();
      for (const { secretArn: arn, minute } of entries) {
        if (!wanted.has(minute)) continue;
        const set = out.get(minute) ?? new Set<string>();
        set.add(arn);
        out.set(minute, set);
      }
      return new Map([...out].map(([minute, set]) => [minute, [...set]]));
    };

    /** Read counts of a secret per minute in [a, b]; minutes without reads are absent. */
    const bucketCounts = (arn: string, a: number, b: number): Map<number, number> => {
      const out = new Map<number, number>();
      for (const { minute, reads } of within(arn, a, b)) out.set(minute, (out.get(minute) ?? 0) + reads.n);
      return out;
    };

    /** Who read a secret in [a, b] (most reads first), from where, with what, in which regions. */
    const readers = (arn: string, a: number, b: number): WindowReaders => {
      const counts = new Map<string, number>();
      const ips = new Set<string>();
      const uas = new Set<string>();
      const regions = new Set<string>();
      for (const { reads } of within(arn, a, b)) {
        for (const [principal, count] of Object.entries(reads.p))
          counts.set(principal, (counts.get(principal) ?? 0) + count);
        for (const ip of reads.ips) ips.add(ip);
        for (const ua of reads.uas) uas.add(ua);
        for (const r of reads.regions) regions.add(r);
      }
      return {
        principals: [...counts]
          .map(([principal, count]) => ({ principal, count }))
          .sort((x, y) => y.count - x.count || x.principal.localeCompare(y.principal)),
        sourceIps: [...ips].sort(),
        userAgents: [...uas].sort(),
        regions: [...regions].sort(),
      };
    };

    /** Reads per minute with the count per principal, per secret (the read-cost report's input). */
    const usage = (): SecretUsage[] => {
      const out = new Map<string, Map<number, { reads: number; principals: Record<string, number> }>>();
      if (secretArn) out.set(secretArn, new Map());
      for (const { secretArn: arn, minute, reads } of entries) {
        const minutes = out.get(arn) ?? new Map();
        const entry = minutes.get(minute) ?? { reads: 0, principals: {} };
        entry.reads += reads.n;
        for (const [principal, count] of Object.entries(reads.p))
          entry.principals[principal] = (entry.principals[principal] ?? 0) + count;
        minutes.set(minute, entry);
        out.set(arn, minutes);
      }
      return [...out].map(([arn, minutes]) => ({
        secretArn: arn,
        minutes: [...minutes].sort(([x], [y]) => x - y).map(([minute, m]) => ({ minute, ...m })),
      }));
    };

    return { activeSecrets, bucketCounts, readers, usage };
  };

  // One-off questions (the response workflow, the CLI, the console): each lists and reads what it needs.
  const activeSecrets = async (minutes: readonly number[]) =>
    minutes.length === 0
      ? new Map<number, string[]>()
      : (await window(Math.min(...minutes), Math.max(...minutes))).activeSecrets(minutes);
  const bucketCounts = async (secretArn: string, from: number, to: number) =>
    (await window(from, to, secretArn)).bucketCounts(secretArn, from, to);
  const readers = async (secretArn: string, from: number, to: number) =>
    (await window(from, to, secretArn)).readers(secretArn, from, to);
  const usage = async (from: number, to: number, secretArn?: string) => (await window(from, to, secretArn)).usage();

  return { writeFile, window, activeSecrets, bucketCounts, readers, usage };
};

type Counters = ReturnType<typeof createCounters>;
type ReadWindow = Awaited<ReturnType<Counters['window']>>;

export type { Counters, ReadObject, ReadWindow, WindowReaders };
export { createCounters, hourPrefix, objectKey, rangeOfKey };

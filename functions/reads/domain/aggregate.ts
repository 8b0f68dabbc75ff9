// Aggregates a batch of reads in memory: one counter per (secret ARN, minute) and one per (secret ARN, principal,
// minute), so a batch of thousands of reads becomes a handful of DynamoDB writes instead of one write per read.
import type { Read } from './read-event.ts';

const MINUTE_MS = 60_000;

const minuteOf = (time: number): number => Math.floor(time / MINUTE_MS) * MINUTE_MS;

interface PrincipalCount {
  readonly principal: string;
  count: number;
  readonly sourceIps: Set<string>;
  readonly userAgents: Set<string>;
  readonly regions: Set<string>;
}

interface BucketAggregate {
  readonly secretArn: string;
  /** Start of the minute, ms since the epoch. */
  readonly minute: number;
  /** Event id → principal: the dedup key and what to count once the id proves new. */
  readonly reads: Map<string, Read>;
  /** The queue records behind this bucket: they fail together if its write fails. */
  readonly recordIds: Set<string>;
}

/** Dedup ids are shortened: 16 hex digits keep collisions within one secret-minute below one in 10^10. */
const dedupIdOf = (eventId: string): string =>
  // CloudTrail event ids are UUIDs: slicing around the dashes is several times cheaper than a regex per read.
  eventId.length === 36 && eventId[8] === '-' && eventId[13] === '-'
    ? (eventId.slice(0, 8) + eventId.slice(9, 13) + eventId.slice(14, 18)).toLowerCase()
    : eventId.replace(/-/g, '').slice(0, 16).toLowerCase();

/**
 * Groups reads by secret ARN and minute. `arnOf` maps the id the caller passed to the secret's ARN (undefined: the
 * secret is unknown and its reads are dropped). A duplicate event id inside the batch counts once.
 */
const aggregateReads = (
  reads: Iterable<Read>,
  arnOf: (secretId: string) => string | undefined,
): Map<string, BucketAggregate> => {
  const buckets = new Map<string, BucketAggregate>();
  for (const read of reads) {
    const secretArn = arnOf(read.secretId);
    if (secretArn === undefined) continue;
    const minute = minuteOf(read.time);
    const key = `${secretArn} ${minute}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { secretArn, minute, reads: new Map(), recordIds: new Set() };
      buckets.set(key, bucket);
    }
    bucket.recordIds.add(read.recordId);
    const id = dedupIdOf(read.eventId);
    if (!bucket.reads.has(id)) bucket.reads.set(id, read);
  }
  return buckets;
};

/** Per-principal counts of the reads that proved new, with where they came from. */
const countByPrincipal = (reads: Iterable<Read>): Map<string, PrincipalCount> => {
  const out = new Map<string, PrincipalCount>();
  for (const read of reads) {
    let entry = out.get(read.principal);
    if (!entry) {
      entry = {
        principal: read.principal,
        count: 0,
        sourceIps: new Set(),
        userAgents: new Set(),
        regions: new Set(),
      };
      out.set(read.principal, entry);
    }
    entry.count += 1;
    entry.sourceIps.add(read.sourceIp);
    entry.userAgents.add(read.userAgent);
    entry.regions.add(read.region);
  }
  return out;
};

export type { BucketAggregate, PrincipalCount };
export { aggregateReads, countByPrincipal, dedupIdOf, MINUTE_MS, minuteOf };

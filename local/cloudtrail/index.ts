// The local CloudTrail: the stack's trails (AWS::CloudTrail::Trail) writing log files into their S3 buckets, as
// CloudTrail does. Every CloudTrail record the emulators put on the bus ("AWS API Call via CloudTrail", "AWS Service
// Event via CloudTrail", read-only calls included) goes into each logging trail whose selectors keep it, and so does
// a record handed to record() (the replay engine's recorded reads). A trail's buffer becomes a log file (log-file.ts)
// `deliverySeconds` of the local clock after the first record it holds came (so every record is delivered within a
// period), or as soon as it holds 10,000 records, put through the S3 emulator, so the bucket's EventBridge notification
// fires.
//
// The per-record work on the endpoint's thread is one JSON.stringify (shared with the bus's log of recent events) and
// an append: records are kept as text and gzipped in batches on libuv's threads. Buffered records are in memory only: a SIGKILL loses those not delivered
// yet (CloudTrail's own delivery is not synchronous with the call either); close() delivers them.
import type { Clock } from '../clock.ts';
import type { BusEvent, Via } from '../eventbridge/bus.ts';
import { detailText } from '../eventbridge/recent-events.ts';
import type { S3Emulator } from '../s3/index.ts';
import { type LogFile, logFileKey, openLogFile } from './log-file.ts';
import { type RecordFacts, type TrailDefinition, takes } from './selectors.ts';

interface CloudTrailOptions {
  readonly clock: Clock;
  readonly s3: Pick<S3Emulator, 'putObject'>;
  /** The trails' home region (the stack's). */
  readonly region: string;
  readonly account: string;
  readonly trails: readonly TrailDefinition[];
  /** How often, in seconds of the local clock, buffered records become log files; 60 unless given. */
  readonly deliverySeconds?: number;
  /** A trail's buffer is delivered at once when it holds this many records; 10,000 unless given. */
  readonly maxRecords?: number;
  readonly log: (line: string) => void;
}

const API_CALL = 'AWS API Call via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
const WRITER = { requester: 'cloudtrail.amazonaws.com' };
// Log files a trail could not deliver (its bucket is gone) wait for the next delivery, up to this many.
const MAX_UNDELIVERED = 100;

interface Undelivered {
  readonly key: string;
  readonly body: Buffer;
}

const createCloudTrail = (options: CloudTrailOptions) => {
  const { clock, s3, account, log } = options;
  const periodMs = (options.deliverySeconds ?? 60) * 1000;
  const maxRecords = options.maxRecords ?? 10_000;
  const trails = options.trails.map((definition) => ({
    definition,
    /** The log file being filled, per region. */
    files: new Map<string, LogFile>(),
    undelivered: [] as Undelivered[],
    delivered: 0,
  }));
  type Trail = (typeof trails)[number];
  const logging = trails.filter((t) => t.definition.isLogging);
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let stopped = false;
  let armed = false;
  let recorded = 0;

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  const put = async (trail: Trail, file: Undelivered): Promise<string | undefined> => {
    try {
      await s3.putObject(trail.definition.bucket, file.key, file.body, { contentType: 'application/json' }, WRITER);
      trail.delivered += 1;
      return file.key;
    } catch (error) {
      log(
        `[cloudtrail] trail ${trail.definition.name} could not deliver a log file to bucket ${trail.definition.bucket}: ${(error as Error)?.name}`,
      );
      trail.undelivered.push(file);
      // Tried again a period from now (or at the next deliver()).
      arm();
      if (trail.undelivered.length > MAX_UNDELIVERED) {
        trail.undelivered.shift();
        log(`[cloudtrail] trail ${trail.definition.name} dropped its oldest undelivered log file`);
      }
      return undefined;
    }
  };

  /** Ends a region's file (taken off the buffer at once, so records that come meanwhile start the next one). */
  const deliverFile = async (trail: Trail, region: string, file: LogFile): Promise<string | undefined> => {
    const key = logFileKey({ keyPrefix: trail.definition.keyPrefix, account, region, time: clock.now() });
    let body: Buffer;
    try {
      body = await file.finish();
    } catch (error) {
      log(`[cloudtrail] trail ${trail.definition.name} could not compress a log file: ${(error as Error)?.name}`);
      return undefined;
    }
    return put(trail, { key, body });
  };

  /** Every pending file of every trail, and the ones that could not be delivered before. */
  const deliverAll = async (): Promise<string[]> => {
    const work: Promise<string | undefined>[] = [];
    for (const trail of trails) {
      const retries = trail.undelivered;
      trail.undelivered = [];
      for (const file of retries) work.push(put(trail, file));
      for (const [region, file] of trail.files) {
        trail.files.delete(region);
        if (file.count > 0) work.push(deliverFile(trail, region, file));
      }
    }
    const keys = await track(Promise.all(work));
    return keys.filter((key): key is string => key !== undefined);
  };

  // Deliveries on the clock: a period after a record finds the buffers empty, every buffered record is delivered. No
  // timer is set while nothing waits, so moving the clock over a month with no records costs nothing.
  const arm = () => {
    if (armed || stopped) return;
    armed = true;
    void clock.sleep(periodMs).then(() => {
      armed = false;
      if (!stopped) void deliverAll();
    });
  };

  /** Appends one bare CloudTrail record to every logging trail that keeps it. */
  const record = (detail: unknown): void => {
    if (closed || logging.length === 0 || detail === null || typeof detail !== 'object') return;
    const facts = detail as RecordFacts & { awsRegion?: unknown };
    const region = typeof facts.awsRegion === 'string' ? facts.awsRegion : options.region;
    let json: string | undefined;
    for (const trail of logging) {
      const { definition } = trail;
      if (!definition.multiRegion && region !== options.region) continue;
      if (!takes(definition.selectors, facts)) continue;
      if (json === undefined) {
        try {
          json = detailText(detail);
        } catch (error) {
          // Only an in-process caller can hand over what JSON cannot hold; the record is not CloudTrail's.
          log(`[cloudtrail] a record could not be serialised: ${(error as Error)?.name}`);
          return;
        }
      }
      let file = trail.files.get(region);
      if (!file) {
        file = openLogFile();
        trail.files.set(region, file);
      }
      file.append(json);
      recorded += 1;
      if (!armed) arm();
      if (file.count >= maxRecords) {
        trail.files.delete(region);
        void track(deliverFile(trail, region, file));
      }
    }
  };

  /** The bus's tap: the emulators' CloudTrail records (not PutEvents entries, which CloudTrail never wrote). */
  const tap = (event: BusEvent, via: Via): void => {
    if (via === 'PutEvents') return;
    const type = event['detail-type'];
    if (type === API_CALL || type === SERVICE_EVENT) record(event.detail);
  };

  return {
    tap,
    record,
    /** Writes every pending log file now; resolves with their keys once they are in S3 (and durable). */
    deliver: (): Promise<string[]> => deliverAll(),
    trails: () =>
      trails.map(({ definition, files, delivered, undelivered }) => ({
        ...definition,
        pendingRecords: [...files.values()].reduce((n, f) => n + f.count, 0),
        deliveredFiles: delivered,
        undeliveredFiles: undelivered.length,
      })),
    stats: () => ({ recorded, delivered: trails.reduce((n, t) => n + t.delivered, 0) }),
    /** Resolves when no log file is being written. */
    whenIdle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    /** Delivers what is buffered and stops. */
    close: async (): Promise<void> => {
      if (closed) return;
      stopped = true;
      await deliverAll();
      // What came while those were written goes too; from here on nothing is taken.
      closed = true;
      await deliverAll();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};

type CloudTrail = ReturnType<typeof createCloudTrail>;

export type { CloudTrail, TrailDefinition };
export { createCloudTrail };

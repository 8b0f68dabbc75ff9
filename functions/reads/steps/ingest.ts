// ingest-reads: a batch of log-file notices from the read-log-files queue → the read counters in S3.
// Each message is S3's `Object Created` event for a log file CloudTrail wrote: read the file (streamed), keep the
// GetSecretValue reads of secrets, then resolve the batch's secrets to ARNs and, file by file, aggregate per
// (secret, minute) and write the file's read objects (adapters/counters.ts: one per hour, never updated). A message
// comes back (after the visibility timeout) when its file could not be read for a reason that may pass, or its write
// failed; the whole file is read again then, and writes the same objects again: nothing counts twice. A message that is not a notice, or a file that is gone or
// not a log file, is dead-lettered and never comes back.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import type { Counters } from '../adapters/counters.ts';
import type { LogFiles } from '../adapters/log-files.ts';
import type { SecretResolver } from '../adapters/secrets.ts';
import { aggregateReads } from '../domain/aggregate.ts';
import { logFileOrigin, objectKeyOf } from '../domain/log-file.ts';
import { isSecretRead, parseRead, type Read, toRead } from '../domain/read-event.ts';
import { LogFileGoneError, LogFileUnreadableError, RecordWriteFailedError } from '../errors.ts';
import { LogFileCreated } from '../schemas.ts';

interface IngestDeps {
  readonly logFiles: LogFiles;
  readonly counters: Counters;
  readonly resolver: SecretResolver;
  readonly deadLetters: DeadLetterQueue;
  readonly logger: Logger;
  /** The trail's bucket: a notice of any other bucket is dead-lettered, not read. */
  readonly trailBucket: string;
  /**
   * The stack's account and region: the secrets counted are theirs (a name resolves to this region's secret), so the
   * log files of any other (an organisation or multi-region trail's) are not read.
   */
  readonly account: string;
  readonly region: string;
}

interface IngestSummary {
  /** Log files read whole. */
  readonly files: number;
  /** CloudTrail records in them. */
  readonly records: number;
  /** Of those, GetSecretValue reads of a secret. */
  readonly reads: number;
  /** Reads that proved new (not counted before: a file read again counts nothing). */
  readonly counted: number;
  /** Records that are not reads of a secret: the trail's other events, BatchGetSecretValue, reads naming none. */
  readonly skipped: number;
  /** Secrets Manager reads that do not match the schema of what is counted, and messages that are not notices. */
  readonly malformed: number;
  /** Objects under AWSLogs/ that are not log files (digests, Insights): not read. */
  readonly otherObjects: number;
  /** Log files of another account or region: not read. */
  readonly elsewhere: number;
  /** Messages dead-lettered: not a notice, another bucket, the file gone or unreadable. */
  readonly deadLettered: number;
  readonly unknownSecrets: number;
  /** Queue message ids to retry: their file could not be read now, or a write their reads contributed to failed. */
  readonly failed: ReadonlySet<string>;
}

type Notice = { ok: true; bucket: string; key: string } | { ok: false; reason: string; issues: string[] };

/** Parses one queue message as S3's notice of a new object; never throws. */
const parseNotice = (record: SQSRecord): Notice => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, reason: 'Body is not JSON', issues: [] };
  }
  const parsed = LogFileCreated.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'Not an S3 Object Created event',
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  const key = objectKeyOf(parsed.data.detail.object.key);
  if (key === undefined) return { ok: false, reason: 'The object key is not URL-encoded text', issues: [] };
  return { ok: true, bucket: parsed.data.detail.bucket.name, key };
};

/** What one file held, before anything is written. */
interface FileTally {
  records: number;
  reads: Read[];
  skipped: number;
  malformed: number;
  /** The first malformed read's schema issues (field paths and zod's words, never a value). */
  issues: string[];
}

const tallyRecord = (tally: FileTally, messageId: string, record: unknown) => {
  if (!isSecretRead(record)) {
    tally.skipped++;
    return;
  }
  const parsed = parseRead(record);
  if (!parsed.success) {
    if (tally.malformed++ === 0)
      tally.issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    return;
  }
  const read = toRead(messageId, parsed.data);
  if (read) tally.reads.push(read);
  else tally.skipped++;
};

const createIngest = ({
  logFiles,
  counters,
  resolver,
  deadLetters,
  logger,
  trailBucket,
  account,
  region,
}: IngestDeps) => {
  const deadLetter = async (record: SQSRecord, letter: { reason: string; [key: string]: unknown }) => {
    await deadLetters.send({ source: 'ingest-reads', messageId: record.messageId, ...letter });
  };

  return async (event: SQSEvent): Promise<IngestSummary> => {
    const reads: Read[] = [];
    /** Each log file read whole, by its message: where its reads are written from, and those reads. */
    const sources = new Map<string, { source: string; reads: readonly Read[] }>();
    const failed = new Set<string>();
    let files = 0;
    let records = 0;
    let skipped = 0;
    let malformed = 0;
    let otherObjects = 0;
    let elsewhere = 0;
    let deadLettered = 0;

    for (const message of event.Records) {
      const notice = parseNotice(message);
      if (!notice.ok) {
        // Ids and the reason only in the log; the dead letter keeps the body (a notice names a file, nothing more).
        logger.error('Malformed log-file notice skipped', {
          messageId: message.messageId,
          reason: notice.reason,
          issues: notice.issues,
        });
        malformed++;
        deadLettered++;
        await deadLetter(message, {
          reason: notice.reason,
          issues: notice.issues,
          ...(message.body.length <= 200_000 ? { body: message.body } : {}),
        });
        continue;
      }
      const { bucket, key } = notice;
      if (bucket !== trailBucket) {
        logger.error('Notice of another bucket skipped', { messageId: message.messageId, bucket, key });
        deadLettered++;
        await deadLetter(message, { reason: 'Not the trail bucket', bucket, key });
        continue;
      }
      const origin = logFileOrigin(key);
      if (!origin) {
        logger.info('Not a CloudTrail log file; not read', { bucket, key });
        otherObjects++;
        continue;
      }
      if (origin.account !== account || origin.region !== region) {
        logger.info('Log file of another account or region; not read', { bucket, key });
        elsewhere++;
        continue;
      }

      const tally: FileTally = { records: 0, reads: [], skipped: 0, malformed: 0, issues: [] };
      const started = performance.now();
      try {
        tally.records = await logFiles.read(bucket, key, (record) => tallyRecord(tally, message.messageId, record));
      } catch (error) {
        if (error instanceof LogFileGoneError || error instanceof LogFileUnreadableError) {
          // Never the contents: the file's bytes are neither logged nor dead-lettered.
          const reason = error instanceof LogFileGoneError ? 'The log file does not exist' : error.reason;
          logger.error('Log file not read; dead-lettered', { messageId: message.messageId, bucket, key, reason });
          deadLettered++;
          await deadLetter(message, { reason, bucket, key });
        } else {
          logger.warn('Log file could not be read; its message returns to the queue', {
            messageId: message.messageId,
            bucket,
            key,
            error: (error as Error).name,
          });
          failed.add(message.messageId);
        }
        continue;
      }
      const ms = performance.now() - started;
      files++;
      sources.set(message.messageId, { source: `${bucket}/${key}`, reads: tally.reads });
      records += tally.records;
      skipped += tally.skipped;
      malformed += tally.malformed;
      // One at a time: a spread of 100,000 arguments would overflow the stack.
      for (const read of tally.reads) reads.push(read);
      if (tally.malformed > 0)
        logger.warn('Malformed reads in a log file not counted', {
          bucket,
          key,
          malformed: tally.malformed,
          issues: tally.issues,
        });
      logger.debug('Log file read', {
        bucket,
        key,
        records: tally.records,
        reads: tally.reads.length,
        skipped: tally.skipped,
        ms: Math.round(ms),
        recordsPerSecond: ms > 0 ? Math.round((tally.records / ms) * 1000) : undefined,
      });
    }

    const arns = await resolver.resolveAll(reads.map((r) => r.secretId));
    const unknownSecrets = reads.filter((r) => arns.get(r.secretId) === undefined).length;
    if (unknownSecrets > 0) logger.warn('Reads of unknown secrets not counted', { reads: unknownSecrets });
    // One file at a time, in the batch's order: each file's objects are written before the next file looks for
    // reads already counted (CloudTrail may put an event in two files).
    let counted = 0;
    let duplicates = 0;
    let objects = 0;
    for (const [messageId, { source, reads: fileReads }] of sources) {
      const buckets = aggregateReads(fileReads, (id) => arns.get(id));
      if (buckets.size === 0) continue;
      try {
        const written = await counters.writeFile(source, buckets.values());
        counted += written.counted;
        duplicates += written.duplicates;
        objects += written.keys.length;
      } catch (error) {
        logger.warn('Counter write failed; its log file returns to the queue', {
          messageId,
          source,
          error: (error as Error).name,
        });
        failed.add(messageId);
      }
    }

    const summary = {
      files,
      records,
      reads: reads.length,
      counted,
      skipped,
      malformed,
      otherObjects,
      elsewhere,
      deadLettered,
      unknownSecrets,
      failed,
    };
    logger.info('Reads ingested', { ...summary, failed: failed.size, duplicates, objects });
    return summary;
  };
};

/**
 * Aggregation needs the whole batch at once, so the batch is ingested first; the Powertools batch processor then
 * turns the messages to retry into `batchItemFailures` (and a batch where every message failed into an error, so
 * Lambda retries it whole).
 */
const batchResponse = (event: SQSEvent, failed: ReadonlySet<string>): Promise<SQSBatchResponse> =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      if (failed.has(record.messageId)) throw new RecordWriteFailedError(record.messageId);
    },
    new BatchProcessor(EventType.SQS),
  );

export type { IngestDeps, IngestSummary };
export { batchResponse, createIngest, parseNotice };

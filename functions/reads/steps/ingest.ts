// ingest-reads: a batch of CloudTrail read events from the read-events queue → per-minute counters in DynamoDB.
// Parse every record, resolve secrets to ARNs, aggregate in memory, then one conditional write per (secret, minute)
// (carrying the per-principal ADDs too) and one per minute for the active-secrets list. A record fails (and comes
// back after the visibility timeout) only when a write it contributed to failed; a malformed record never comes back.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import type { Counters } from '../adapters/counters.ts';
import type { SecretResolver } from '../adapters/secrets.ts';
import { aggregateReads } from '../domain/aggregate.ts';
import { parseRead, type Read, toRead } from '../domain/read-event.ts';
import { RecordWriteFailedError } from '../errors.ts';

interface IngestDeps {
  readonly counters: Counters;
  readonly resolver: SecretResolver;
  readonly deadLetters: DeadLetterQueue;
  readonly logger: Logger;
}

interface IngestSummary {
  readonly records: number;
  readonly reads: number;
  readonly counted: number;
  readonly malformed: number;
  readonly unknownSecrets: number;
  /** Queue message ids whose writes failed: returned to the queue. */
  readonly failed: ReadonlySet<string>;
}

type Parsed = { ok: true; read: Read | undefined } | { ok: false; reason: string; issues: string[] };

/** Parses one queue record; never throws. */
const parseRecord = (record: SQSRecord): Parsed => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, reason: 'Body is not JSON', issues: [] };
  }
  const parsed = parseRead(body);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'Not a CloudTrail read of a secret',
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  return { ok: true, read: toRead(record.messageId, parsed.data) };
};

const createIngest = ({ counters, resolver, deadLetters, logger }: IngestDeps) => {
  const reportMalformed = async (record: SQSRecord, reason: string, issues: string[]) => {
    // Ids and the reason only in the log; the dead letter keeps the body (reads carry no values) for a look later.
    logger.error('Malformed read record skipped', { messageId: record.messageId, reason, issues });
    await deadLetters.send({
      source: 'ingest-reads',
      reason,
      issues,
      messageId: record.messageId,
      ...(record.body.length <= 200_000 ? { body: record.body } : {}),
    });
  };

  return async (event: SQSEvent): Promise<IngestSummary> => {
    const reads: Read[] = [];
    let malformed = 0;
    for (const record of event.Records) {
      const parsed = parseRecord(record);
      if (parsed.ok) {
        if (parsed.read) reads.push(parsed.read);
        continue;
      }
      malformed++;
      await reportMalformed(record, parsed.reason, parsed.issues);
    }

    const failed = new Set<string>();
    const arns = await resolver.resolveAll(reads.map((r) => r.secretId));
    const unknownSecrets = reads.filter((r) => arns.get(r.secretId) === undefined).length;
    if (unknownSecrets > 0) logger.warn('Reads of unknown secrets not counted', { reads: unknownSecrets });
    const buckets = aggregateReads(reads, (id) => arns.get(id));

    let counted = 0;
    const active = new Map<number, Set<string>>();
    await Promise.all(
      [...buckets.values()].map(async (bucket) => {
        try {
          const fresh = await counters.addBucket(bucket);
          // A redelivered batch changes nothing: no counts, no principals, no active mark.
          if (fresh.length === 0) return;
          counted += fresh.length;
          const secrets = active.get(bucket.minute) ?? new Set<string>();
          secrets.add(bucket.secretArn);
          active.set(bucket.minute, secrets);
        } catch (error) {
          logger.warn('Counter write failed; its records return to the queue', {
            secretArn: bucket.secretArn,
            minute: new Date(bucket.minute).toISOString(),
            error: (error as Error).name,
          });
          for (const id of bucket.recordIds) failed.add(id);
        }
      }),
    );
    // Best effort as well: a secret missing here is still found by the detector once it has state.
    await Promise.all(
      [...active].map(([minute, secrets]) =>
        counters.markActive(minute, secrets).catch((error: unknown) => {
          logger.warn('Active-secrets write failed', { error: (error as Error).name });
          for (const bucket of buckets.values())
            if (bucket.minute === minute) for (const id of bucket.recordIds) failed.add(id);
        }),
      ),
    );

    const summary = { records: event.Records.length, reads: reads.length, counted, malformed, unknownSecrets, failed };
    logger.debug('Reads ingested', { ...summary, failed: failed.size, buckets: buckets.size });
    return summary;
  };
};

/**
 * Aggregation needs the whole batch at once, so the batch is ingested first; the Powertools batch processor then
 * turns the records whose writes failed into `batchItemFailures` (and a batch where every record failed into an
 * error, so Lambda retries it whole).
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
export { batchResponse, createIngest, parseRecord };

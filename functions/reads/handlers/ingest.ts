// ingest-reads: the read-events queue's consumer. Wiring only: see ../ingest.ts for what it does.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import { sqsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { createCounters } from '../adapters/counters.ts';
import { createSecretResolver } from '../adapters/secrets.ts';
import { createIngest } from '../ingest.ts';

const logger = createLogger();
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const ingest = createIngest({
  logger,
  counters: createCounters({ ddb, tableName: requireEnv('READ_COUNTERS_TABLE') }),
  resolver: createSecretResolver({ sm: new SecretsManagerClient({}) }),
  deadLetters: createDeadLetterQueue({ sqs: sqsClient(), queueUrl: requireEnv('DEAD_LETTER_QUEUE_URL') }),
});

class RecordWriteFailedError extends Error {
  constructor(messageId: string) {
    super(`A counter write for record ${messageId} failed`);
    this.name = 'RecordWriteFailedError';
  }
}

/**
 * Aggregation needs the whole batch at once, so the batch is ingested first; the Powertools batch processor then
 * turns the records whose writes failed into `batchItemFailures` (and a batch where every record failed into an
 * error, so Lambda retries it whole).
 */
const ingestReads = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { failed } = await ingest(event);
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      if (failed.has(record.messageId)) throw new RecordWriteFailedError(record.messageId);
    },
    processor,
  );
};

const handler = middy(ingestReads).use(injectLambdaContext(logger, { clearState: true }));

export { handler };

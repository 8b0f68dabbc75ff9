// ingest-reads: the read-log-files queue's consumer. Wiring only: see ../steps/ingest.ts for what it does.
import type { SQSEvent } from 'aws-lambda';
import { createDeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import { s3Client, secretsManagerClient, sqsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createCounters } from '../adapters/counters.ts';
import { createLogFiles } from '../adapters/log-files.ts';
import { createSecretResolver } from '../adapters/secrets.ts';
import { batchResponse, createIngest } from '../steps/ingest.ts';

const logger = createLogger();

const ingest = createIngest({
  logger,
  logFiles: createLogFiles({ s3: s3Client() }),
  trailBucket: requireEnv('READ_TRAIL_BUCKET'),
  account: requireEnv('READ_ACCOUNT_ID'),
  region: requireEnv('AWS_REGION'),
  counters: createCounters({ s3: s3Client(), bucket: requireEnv('READ_STATE_BUCKET') }),
  resolver: createSecretResolver({ sm: secretsManagerClient() }),
  deadLetters: createDeadLetterQueue({ sqs: sqsClient(), queueUrl: requireEnv('DEAD_LETTER_QUEUE_URL') }),
});

// No schema for step(): a malformed notice is parked in the dead-letter queue, not thrown back at the whole batch,
// so the step parses each message itself.
const handler = step({
  logger,
  handler: async (event: SQSEvent) => batchResponse(event, (await ingest(event)).failed),
});

export { handler };

// Release Lock (all three workflows). Wiring only: see ../steps/lock.ts. A file of its own, so this function's bundle
// holds the DynamoDB client only.
import { createLocks } from '../../shared/adapters/locks.ts';
import { dynamoDocumentClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { LockInput } from '../schemas.ts';
import { createReleaseLockStep } from '../steps/lock.ts';

const logger = createLogger();

const release = createReleaseLockStep({
  locks: createLocks({ ddb: dynamoDocumentClient(), tableName: requireEnv('ROTATION_LOCKS_TABLE') }),
  logger,
});

const handler = step({ logger, schema: LockInput, handler: release });

export { handler };

// Release Locks (failure-alert). Wiring only: see ../steps/release-locks.ts.
import { createLocks } from '../../shared/adapters/locks.ts';
import { dynamoDocumentClient, secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretArns } from '../adapters/secrets.ts';
import { ReleaseLocksInput } from '../schemas.ts';
import { createReleaseLocksStep } from '../steps/release-locks.ts';

const logger = createLogger();

const release = createReleaseLocksStep({
  secrets: createSecretArns({ client: secretsManagerClient() }),
  locks: createLocks({ ddb: dynamoDocumentClient(), tableName: requireEnv('ROTATION_LOCKS_TABLE') }),
  logger,
});

const handler = step({ logger, schema: ReleaseLocksInput, handler: release });

export { handler };

// Lock Secret (rotation, rotation-remediation, rotation-verification). Wiring only: see ../steps/lock.ts.
import { createLocks } from '../../shared/adapters/locks.ts';
import { dynamoDocumentClient, secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretLabels } from '../adapters/secret-labels.ts';
import { LockInput } from '../schemas.ts';
import { createAcquireLockStep } from '../steps/lock.ts';

const logger = createLogger();

const acquire = createAcquireLockStep({
  locks: createLocks({ ddb: dynamoDocumentClient(), tableName: requireEnv('ROTATION_LOCKS_TABLE') }),
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  logger,
  ttlSeconds: Number(requireEnv('ROTATION_LOCK_TTL_SECONDS')),
});

const handler = step({ logger, schema: LockInput, handler: acquire });

export { handler };

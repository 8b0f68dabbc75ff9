// Lock Secret and Release Lock. Wiring only: see steps/lock.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createLocks } from '../shared/adapters/locks.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { dynamoDocumentClient, secretsManagerClient } from './steps/clients.ts';
import { LockInput } from './steps/inputs.ts';
import { createLockSteps } from './steps/lock.ts';
import { createSecretLabels } from './steps/secrets.ts';
import { transientErrors } from './steps/transient.ts';

const logger = createLogger();

const steps = createLockSteps({
  locks: createLocks({ ddb: dynamoDocumentClient(), tableName: requireEnv('ROTATION_LOCKS_TABLE') }),
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  logger,
  ttlSeconds: Number(requireEnv('ROTATION_LOCK_TTL_SECONDS')),
});

const acquire = middy((input: LockInput) => steps.acquire(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: LockInput }));

const release = middy((input: LockInput) => steps.release(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: LockInput }));

export { acquire, release };

// Create Pending Version and the target steps (set, test, verify, revert, restore). Wiring only: see
// steps/strategy.ts. Two functions, because only Create Pending Version may write a secret value.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createLogger } from '../shared/logger.ts';
import { secretsManagerClient } from './steps/clients.ts';
import { createHealthCheck } from './steps/health-check.ts';
import { RotationStepInput, TargetStepInput } from './steps/inputs.ts';
import { createStrategySteps } from './steps/strategy.ts';
import { transientErrors } from './steps/transient.ts';
import { createSecretStore } from './strategies/secrets-adapter.ts';

const logger = createLogger();

const steps = createStrategySteps({
  secrets: createSecretStore({ client: secretsManagerClient() }),
  healthCheck: createHealthCheck({ client: secretsManagerClient() }),
  logger,
  postgres: { connectTimeoutMs: Number(process.env.ROTATION_TARGET_CONNECT_TIMEOUT_MS ?? 5_000) },
});

const createPending = middy((input: RotationStepInput) => steps.createPending(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: RotationStepInput }));

const target = middy((input: TargetStepInput) => steps.target(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: TargetStepInput }));

export { createPending, target };

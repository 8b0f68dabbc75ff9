// Create Pending Version and the target steps (set, test, verify, revert, restore). Wiring only: see
// ../steps/strategy.ts. Two functions, because only Create Pending Version may write a secret value; both run the
// secret's strategy, so both load the strategies (pg included).
import { secretsManagerClient } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createHealthCheck } from '../adapters/health-check.ts';
import { CreatePendingInput, TargetInput } from '../schemas.ts';
import { createStrategySteps } from '../steps/strategy.ts';
import { createSecretStore } from '../strategies/secrets-adapter.ts';

const logger = createLogger();

// Not set by serverless: an override for slow targets; the strategy's own default applies without it.
const connectTimeout = process.env.ROTATION_TARGET_CONNECT_TIMEOUT_MS;

const steps = createStrategySteps({
  secrets: createSecretStore({ client: secretsManagerClient() }),
  healthCheck: createHealthCheck({ client: secretsManagerClient() }),
  logger,
  ...(connectTimeout ? { postgres: { connectTimeoutMs: Number(connectTimeout) } } : {}),
});

const createPending = step({ logger, schema: CreatePendingInput, handler: steps.createPending });

const target = step({ logger, schema: TargetInput, handler: steps.target });

export { createPending, target };

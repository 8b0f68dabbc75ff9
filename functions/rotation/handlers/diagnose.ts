// Diagnose Failure (rotation-remediation). Wiring only: see ../steps/diagnose.ts. Tests AWSCURRENT through the
// secret's strategy, so this bundle loads the strategies (pg included).
import { secretsManagerClient } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretLabels } from '../adapters/secret-labels.ts';
import { DiagnoseInput } from '../schemas.ts';
import { createDiagnoseStep } from '../steps/diagnose.ts';
import { strategyNames } from '../strategies/names.ts';
import { createSecretStore } from '../strategies/secrets-adapter.ts';

const logger = createLogger();

// Not set by serverless: an override for slow targets; the strategy's own default applies without it.
const connectTimeout = process.env.ROTATION_TARGET_CONNECT_TIMEOUT_MS;

const diagnose = createDiagnoseStep({
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  store: createSecretStore({ client: secretsManagerClient() }),
  knownStrategies: strategyNames,
  logger,
  ...(connectTimeout ? { postgres: { connectTimeoutMs: Number(connectTimeout) } } : {}),
});

const handler = step({ logger, schema: DiagnoseInput, handler: diagnose });

export { handler };

// Inspect Secret (rotation-verification). Wiring only: see ../steps/verification.ts. Checks the strategy tag against
// the names only (../strategies/names.ts): no strategy and no pg in this bundle.
import { secretsManagerClient, sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createRotationExecutions } from '../adapters/rotation-executions.ts';
import { createSecretLabels } from '../adapters/secret-labels.ts';
import { InspectInput } from '../schemas.ts';
import { createInspectStep } from '../steps/verification.ts';
import { strategyNames } from '../strategies/names.ts';

const logger = createLogger();

const inspect = createInspectStep({
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  rotations: createRotationExecutions({ sfn: sfnClient(), stateMachineArn: requireEnv('ROTATION_STATE_MACHINE_ARN') }),
  knownStrategies: strategyNames,
  logger,
});

const handler = step({ logger, schema: InspectInput, handler: inspect });

export { handler };

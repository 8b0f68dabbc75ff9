// Plan Rotation. Wiring only: see ../steps/plan.ts. Checks the strategy tag against the names only
// (../strategies/names.ts), so this bundle loads no strategy and no pg.
import { secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretLabels } from '../adapters/secret-labels.ts';
import { PlanInput } from '../schemas.ts';
import { createPlanStep } from '../steps/plan.ts';
import { strategyNames } from '../strategies/names.ts';

const logger = createLogger();

const plan = createPlanStep({
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  approvalDefault: requireEnv('APPROVAL_DEFAULT'),
  knownStrategies: strategyNames,
  logger,
});

const handler = step({ logger, schema: PlanInput, handler: plan });

export { handler };

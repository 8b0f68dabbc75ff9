// Plan The Repair (replica-repair). Wiring only: see ../steps/plan.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { eventBridgeClient, secretsManagerClient, secretsManagerClientIn } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createReplication } from '../adapters/replication.ts';
import { PlanInput } from '../schemas.ts';
import { createPlanStep } from '../steps/plan.ts';
import { kmsKeys, stackRegion } from './config.ts';

const logger = createLogger();

const plan = createPlanStep({
  replication: createReplication({ client: secretsManagerClient(), clientIn: secretsManagerClientIn }),
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  logger,
  region: stackRegion(),
  kmsKeys,
  approvalDefault: requireEnv('APPROVAL_DEFAULT'),
});

const handler = step({ logger, schema: PlanInput, handler: plan });

export { handler };

// Start The Repair and Check The Replicas (replica-repair): one function, two handlers, the same grants. Wiring only:
// see ../steps/repair.ts.
import { secretsManagerClient, secretsManagerClientIn } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createReplication } from '../adapters/replication.ts';
import { CheckRepairInput, StartRepairInput } from '../schemas.ts';
import { createRepairSteps } from '../steps/repair.ts';

const logger = createLogger();

const repair = createRepairSteps({
  replication: createReplication({ client: secretsManagerClient(), clientIn: secretsManagerClientIn }),
  logger,
});

const start = step({ logger, schema: StartRepairInput, handler: repair.start });
const check = step({ logger, schema: CheckRepairInput, handler: repair.check });

export { check, start };

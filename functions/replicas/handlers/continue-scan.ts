// Continue In A New Execution (replica-repair). Wiring only: see ../steps/continue-scan.ts.
import { sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createScanContinuation } from '../adapters/continuation.ts';
import { ContinueInput } from '../schemas.ts';
import { createContinueStep } from '../steps/continue-scan.ts';

const logger = createLogger();

const continueScan = createContinueStep({
  continuation: createScanContinuation({
    sfn: sfnClient(),
    stateMachineArn: requireEnv('REPLICA_REPAIR_STATE_MACHINE_ARN'),
  }),
  logger,
});

const handler = step({ logger, schema: ContinueInput, handler: continueScan });

export { handler };

// Continue In A New Execution (cleanupContinue). Wiring only: see ../steps/continue.ts.
import { sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createContinuations } from '../adapters/continuations.ts';
import { ContinueInput } from '../schemas.ts';
import { createContinueStep } from '../steps/continue.ts';

const logger = createLogger();

const continueScan = createContinueStep({
  continuations: createContinuations({ sfn: sfnClient(), stateMachineArn: requireEnv('CLEANUP_STATE_MACHINE_ARN') }),
  logger,
});

const handler = step({ logger, schema: ContinueInput, handler: continueScan });

export { handler };

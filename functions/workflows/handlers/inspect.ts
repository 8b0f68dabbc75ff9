// Inspect Failed Execution (failure-alert). Wiring only: see ../steps/inspect.ts.
import { sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createExecutions } from '../adapters/executions.ts';
import { InspectInput } from '../schemas.ts';
import { createInspectStep } from '../steps/inspect.ts';

const logger = createLogger();

const inspect = createInspectStep({
  executions: createExecutions({ sfn: sfnClient() }),
  stateMachineArnPrefix: requireEnv('STATE_MACHINE_ARN_PREFIX'),
  logger,
});

const handler = step({ logger, schema: InspectInput, handler: inspect });

export { handler };

// The single target of every EventBridge rule. Wiring only: see ../steps/dispatch.ts for what it does.
import { parse } from '@aws-lambda-powertools/parser';
import { createDeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import { sfnClient, sqsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createWorkflowStarter } from '../adapters/workflows.ts';
import { DispatchEnvelope } from '../schemas.ts';
import { createDispatch } from '../steps/dispatch.ts';

const logger = createLogger();

const dispatch = createDispatch({
  logger,
  workflows: createWorkflowStarter({ sfn: sfnClient(), stateMachineArnPrefix: requireEnv('STATE_MACHINE_ARN_PREFIX') }),
  deadLetters: createDeadLetterQueue({ sqs: sqsClient(), queueUrl: requireEnv('DEAD_LETTER_QUEUE_URL') }),
});

// No schema for step(): a malformed event is not an error to retry but a rejection to park, so the dispatcher
// safe-parses it itself.
const handler = step({
  logger,
  handler: (event: unknown) => dispatch(parse(event, undefined, DispatchEnvelope, true)),
});

export { handler };

// The single target of every EventBridge rule. Wiring only: see dispatch.ts for what it does.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createDeadLetterQueue } from '../shared/adapters/dead-letters.ts';
import { createWorkflowStarter } from '../shared/adapters/workflows.ts';
import { sfnClient, sqsClient } from '../shared/clients.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createDispatch } from './dispatch.ts';
import { DispatchEnvelope } from './domain/triage.ts';

const logger = createLogger();

const dispatch = createDispatch({
  logger,
  workflows: createWorkflowStarter({ sfn: sfnClient(), stateMachineArnPrefix: requireEnv('STATE_MACHINE_ARN_PREFIX') }),
  deadLetters: createDeadLetterQueue({ sqs: sqsClient(), queueUrl: requireEnv('DEAD_LETTER_QUEUE_URL') }),
});

const handler = middy(dispatch)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(parser({ schema: DispatchEnvelope, safeParse: true }));

export { handler };

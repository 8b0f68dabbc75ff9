// The `approve` function: `{ approvalId, decision: 'approve'|'reject', approver }` → decide once → complete the
// waiting rotation. The entry a human uses locally today (invoke it, or through the console); the HTTP endpoint for
// signed links and Slack, and `smcp approve`, verify their caller and then call the same step.
// Wiring only: see functions/rotation/steps/decide-approval.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { dynamoDocumentClient, eventBridgeClient, stepFunctionsClient } from '../rotation/steps/clients.ts';
import { createDecideStep } from '../rotation/steps/decide-approval.ts';
import { DecideApprovalInput } from '../rotation/steps/inputs.ts';
import { transientErrors } from '../rotation/steps/transient.ts';
import { createEventPublisher } from '../shared/adapters/bus.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createApprovalStore } from './store.ts';

const logger = createLogger();

const decideApproval = createDecideStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  tasks: {
    async succeed(taskToken, output) {
      await stepFunctionsClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
    async fail(taskToken, error, cause) {
      await stepFunctionsClient().send(new SendTaskFailureCommand({ taskToken, error, cause }));
    },
  },
  bus: createEventPublisher({ events: eventBridgeClient() }),
  logger,
  // Read per call: the allowlist is configuration, and an empty one means nobody may approve (fail closed).
  allowlist: () => (process.env.APPROVERS ?? '').split(','),
});

const handler = middy((input: DecideApprovalInput) => decideApproval(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: DecideApprovalInput }));

export { handler };

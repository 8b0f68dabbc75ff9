// The Slack door: the interactivity endpoint (POST /approvals/slack on the HTTP API). It only verifies signatures and
// decides, so it never loads the Slack client. Wiring only: see ../steps/slack-endpoint.ts. No schema for step():
// nothing in the body is parsed before its signature checks out.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createSecretValue } from '../../shared/adapters/secret-value.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createApprovalStore } from '../adapters/store.ts';
import { createTaskCallbacks } from '../adapters/tasks.ts';
import { allowlistOf } from '../domain/policy.ts';
import { createDecideStep } from '../steps/decide-approval.ts';
import type { HttpEvent } from '../steps/http.ts';
import { createSlackEndpoint } from '../steps/slack-endpoint.ts';

const logger = createLogger();

const slackEndpoint = createSlackEndpoint({
  signingSecret: createSecretValue({ client: secretsManagerClient(), secretId: requireEnv('SLACK_SIGNING_SECRET_ID') }),
  // The same decision as the `approve` function's, with the Slack user id as the approver.
  decide: createDecideStep({
    store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
    tasks: createTaskCallbacks({ sfn: sfnClient() }),
    bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
    logger,
    allowlist: () => allowlistOf(process.env.APPROVERS),
  }),
  logger,
});

// step() never logs the event: it holds the signed request body.
const handler = step({ logger, handler: (event: HttpEvent) => slackEndpoint(event) });

export { handler };

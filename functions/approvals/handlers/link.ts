// The signed-link door of approval emails (GET and POST /approvals/link on the HTTP API). Wiring only: see
// ../steps/link-endpoint.ts. No schema for step(): the endpoint reads the request itself and answers 4xx pages.
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
import { createLinkEndpoint } from '../steps/link-endpoint.ts';

const logger = createLogger();

const store = createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') });

const linkEndpoint = createLinkEndpoint({
  // The key Wait For Approval's task signs the links with.
  linkKey: createSecretValue({ client: secretsManagerClient(), secretId: requireEnv('APPROVAL_LINK_KEY_SECRET_ID') }),
  store,
  // The same decision as the `approve` function's.
  decide: createDecideStep({
    store,
    tasks: createTaskCallbacks({ sfn: sfnClient() }),
    bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
    logger,
    allowlist: () => allowlistOf(process.env.APPROVERS),
  }),
  logger,
});

// step() never logs the event: it holds the link token, a live capability until used.
const handler = step({ logger, handler: (event: HttpEvent) => linkEndpoint(event) });

export { handler };

// The signed-link endpoint of approval emails (GET and POST /approvals/link on the HTTP API). Wiring only: see
// http/link.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { secretsManagerClient } from '../rotation/steps/clients.ts';
import { createSecretValue } from '../shared/adapters/secret-value.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createLinkEndpoint } from './http/link.ts';
import type { HttpEvent } from './http/request.ts';
import { httpDecideFromEnv } from './wiring.ts';

const logger = createLogger();

const { store, decide } = httpDecideFromEnv(logger);

const linkEndpoint = createLinkEndpoint({
  // The key request-approval signs links with.
  linkKey: createSecretValue({ client: secretsManagerClient(), secretId: requireEnv('APPROVAL_LINK_KEY_SECRET_ID') }),
  store,
  decide,
  logger,
});

// logEvent off whatever the environment says: the event holds the link token, a live capability until used.
const handler = middy((event: HttpEvent) => linkEndpoint(event)).use(
  injectLambdaContext(logger, { clearState: true, logEvent: false }),
);

export { handler };

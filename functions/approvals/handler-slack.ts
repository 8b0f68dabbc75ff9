// The Slack interactivity endpoint (POST /approvals/slack on the HTTP API). Wiring only: see http/slack.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { secretsManagerClient } from '../rotation/steps/clients.ts';
import { createSecretValue } from '../shared/adapters/secret-value.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import type { HttpEvent } from './http/request.ts';
import { createSlackEndpoint } from './http/slack.ts';
import { httpDecideFromEnv } from './wiring.ts';

const logger = createLogger();

const slackEndpoint = createSlackEndpoint({
  signingSecret: createSecretValue({ client: secretsManagerClient(), secretId: requireEnv('SLACK_SIGNING_SECRET_ID') }),
  decide: httpDecideFromEnv(logger).decide,
  logger,
});

// logEvent off whatever the environment says: the event holds the signed request body.
const handler = middy((event: HttpEvent) => slackEndpoint(event)).use(
  injectLambdaContext(logger, { clearState: true, logEvent: false }),
);

export { handler };

// read-anomaly-slack: posts the read spike alert to the stage's Slack alert channel. Wiring only: ../slack-alert.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { createSlackFromEnv } from '../../shared/adapters/slack.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { createSlackAlert, SlackAlertInput } from '../slack-alert.ts';

const logger = createLogger();

const alert = createSlackAlert({
  logger,
  slack: createSlackFromEnv({
    channelVariable: 'SLACK_ALERT_CHANNEL',
    tokenSecretId: requireEnv('SLACK_BOT_TOKEN_SECRET_ID'),
    client: new SecretsManagerClient({}),
    logger,
  }),
});

const handler = middy(alert)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(parser({ schema: SlackAlertInput }));

export { handler };

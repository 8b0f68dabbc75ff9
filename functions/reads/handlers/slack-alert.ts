// read-anomaly-slack: posts the read spike alert to the stage's Slack alert channel (Alert Slack). Wiring only: see
// ../steps/slack-alert.ts. The only reads function that loads @slack/web-api (through shared/adapters/slack.ts).
import { createSlackFromEnv } from '../../shared/adapters/slack.ts';
import { secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { SlackAlertInput } from '../schemas.ts';
import { createSlackAlert } from '../steps/slack-alert.ts';

const logger = createLogger();

const alert = createSlackAlert({
  logger,
  slack: createSlackFromEnv({
    channelVariable: 'SLACK_ALERT_CHANNEL',
    tokenSecretId: requireEnv('SLACK_BOT_TOKEN_SECRET_ID'),
    client: secretsManagerClient(),
    logger,
  }),
});

const handler = step({ logger, schema: SlackAlertInput, handler: alert });

export { handler };

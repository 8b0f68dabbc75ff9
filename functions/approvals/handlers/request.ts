// Wait For Approval's task (lambda:invoke.waitForTaskToken), for the rotation and for the read-anomaly response's
// quarantine. Wiring only: see ../steps/request-approval.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { createSecretValue } from '../../shared/adapters/secret-value.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { lazy, step } from '../../shared/step.ts';
import { createApprovalStore } from '../adapters/store.ts';
import { RequestApprovalInput } from '../schemas.ts';
import { createRequestApprovalStep } from '../steps/request-approval.ts';

const logger = createLogger();

const linkKeyValue = createSecretValue({
  client: secretsManagerClient(),
  secretId: requireEnv('APPROVAL_LINK_KEY_SECRET_ID'),
});
/** The link-signing key lives in Secrets Manager (never in the environment). Without it, requests go without links. */
const linkKey = async () => {
  const key = await linkKeyValue();
  if (key === undefined) logger.warn('No approval link key: approval requests go out without links');
  return key;
};

const SLACK_CHANNEL_VARIABLE = 'SLACK_APPROVAL_CHANNEL';
const slackTokenSecretId = requireEnv('SLACK_BOT_TOKEN_SECRET_ID');
// Block Kit requests in the stage's approval channel, when it names one (docs/approvals.md). @slack/web-api is
// imported on the first request that has a channel to post to, so a stage without Slack never loads it.
const slackFromEnv = lazy(async () => {
  const { createSlackFromEnv } = await import('../../shared/adapters/slack.ts');
  return createSlackFromEnv({
    channelVariable: SLACK_CHANNEL_VARIABLE,
    tokenSecretId: slackTokenSecretId,
    client: secretsManagerClient(),
    logger,
  });
});
const slack = async () => (process.env[SLACK_CHANNEL_VARIABLE] ? (await slackFromEnv())() : undefined);

const requestApproval = createRequestApprovalStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  logger,
  linkKey,
  linkBaseUrl: requireEnv('APPROVAL_LINK_BASE_URL'),
  slack,
});

const handler = step({ logger, schema: RequestApprovalInput, handler: (input) => requestApproval(input) });

export { handler };

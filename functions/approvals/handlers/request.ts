// Wait For Approval's task (lambda:invoke.waitForTaskToken), for the rotation and for the read-anomaly response's
// quarantine. Wiring only: see ../steps/request-approval.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { createSecretValue } from '../../shared/adapters/secret-value.ts';
import { createSlackFromEnv } from '../../shared/adapters/slack.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
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

// Block Kit requests in the stage's approval channel, when it names one (docs/approvals.md). The adapter imports
// @slack/web-api on its first post, so a stage without Slack never loads it.
const slack = createSlackFromEnv({
  channelVariable: 'SLACK_APPROVAL_CHANNEL',
  tokenSecretId: requireEnv('SLACK_BOT_TOKEN_SECRET_ID'),
  client: secretsManagerClient(),
  logger,
});

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

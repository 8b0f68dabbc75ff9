// Wait For Approval's task (lambda:invoke.waitForTaskToken), for the rotation and the read-anomaly response's
// quarantine. Wiring only: see steps/request-approval.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createApprovalStore } from '../approvals/store.ts';
import { createEventPublisher } from '../shared/adapters/bus.ts';
import { createNotifier } from '../shared/adapters/notifications.ts';
import { createSecretValue } from '../shared/adapters/secret-value.ts';
import { createSlackFromEnv } from '../shared/adapters/slack.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient } from './steps/clients.ts';
import { createRequestApprovalStep, RequestApprovalStepInput } from './steps/request-approval.ts';
import { transientErrors } from './steps/transient.ts';

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

/** Block Kit requests in the stage's approval channel, when it names one (docs/approvals.md). */
const slack = createSlackFromEnv({
  channelVariable: 'SLACK_APPROVAL_CHANNEL',
  tokenSecretId: requireEnv('SLACK_BOT_TOKEN_SECRET_ID'),
  client: secretsManagerClient(),
  logger,
});

const requestApproval = createRequestApprovalStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
  bus: createEventPublisher({ events: eventBridgeClient() }),
  logger,
  linkKey,
  linkBaseUrl: requireEnv('APPROVAL_LINK_BASE_URL'),
  slack,
});

const handler = middy((input: RequestApprovalStepInput) => requestApproval(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: RequestApprovalStepInput }));

export { handler };

// Wait For Approval's task (lambda:invoke.waitForTaskToken), for the rotation and the read-anomaly response's
// quarantine. Wiring only: see steps/request-approval.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { createApprovalStore } from '../approvals/store.ts';
import { createEventPublisher } from '../shared/adapters/bus.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient } from './steps/clients.ts';
import { createNotifier } from './steps/notifications.ts';
import { createRequestApprovalStep, RequestApprovalStepInput } from './steps/request-approval.ts';
import { transientErrors } from './steps/transient.ts';

const logger = createLogger();

let cachedKey: Promise<string | undefined> | undefined;
/**
 * The link-signing key lives in Secrets Manager (never in the environment). Without it the request still goes out,
 * without links. Read once per container; a failed read is retried on the next request.
 */
const linkKey = () => {
  cachedKey ??= secretsManagerClient()
    .send(new GetSecretValueCommand({ SecretId: requireEnv('APPROVAL_LINK_KEY_SECRET_ID') }))
    .then((out) => out.SecretString)
    .catch((error: Error) => {
      cachedKey = undefined;
      if (error.name === 'ResourceNotFoundException') {
        logger.warn('No approval link key: approval requests go out without links');
        return undefined;
      }
      throw error;
    });
  return cachedKey;
};

const requestApproval = createRequestApprovalStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
  bus: createEventPublisher({ events: eventBridgeClient() }),
  logger,
  linkKey,
  linkBaseUrl: requireEnv('APPROVAL_LINK_BASE_URL'),
});

const handler = middy((input: RequestApprovalStepInput) => requestApproval(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: RequestApprovalStepInput }));

export { handler };

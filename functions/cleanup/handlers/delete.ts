// Delete Secret (cleanupDelete). Wiring only: see ../steps/delete.ts.
import { createApprovalStore } from '../../approvals/adapters/store.ts';
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createOwnerNotices } from '../adapters/notices.ts';
import { createCleanupSecrets } from '../adapters/secrets.ts';
import { DeleteInput } from '../schemas.ts';
import { createDeleteStep } from '../steps/delete.ts';

const logger = createLogger();

const deleteSecret = createDeleteStep({
  secrets: createCleanupSecrets({ client: secretsManagerClient() }),
  approvals: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  notices: createOwnerNotices({ sns: snsClient(), topicArn: requireEnv('CLEANUP_TOPIC_ARN') }),
  logger,
});

const handler = step({ logger, schema: DeleteInput, handler: deleteSecret });

export { handler };

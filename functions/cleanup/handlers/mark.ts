// Mark Candidate (cleanupMark) and Clear Mark (cleanupUnmark): one wiring, two functions, each with only its own
// grants. See ../steps/mark.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { eventBridgeClient, secretsManagerClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { lazy, step } from '../../shared/step.ts';
import { createOwnerNotices } from '../adapters/notices.ts';
import { createCleanupSecrets } from '../adapters/secrets.ts';
import { ItemInput } from '../schemas.ts';
import { createMarkStep, createUnmarkStep } from '../steps/mark.ts';

const logger = createLogger();
const secrets = createCleanupSecrets({ client: secretsManagerClient() });
const bus = createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') });
// Only marking notifies: Clear Mark's function has no topic.
const notices = lazy(() => createOwnerNotices({ sns: snsClient(), topicArn: requireEnv('CLEANUP_TOPIC_ARN') }));

const mark = step({
  logger,
  schema: ItemInput,
  handler: (input) => createMarkStep({ secrets, bus, notices: notices(), logger })(input),
});
const unmark = step({ logger, schema: ItemInput, handler: createUnmarkStep({ secrets, bus, logger }) });

export { mark, unmark };

// Send Alert (failure-alert). Wiring only: see ../steps/send-alert.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { eventBridgeClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { SendAlertInput } from '../schemas.ts';
import { createSendAlertStep } from '../steps/send-alert.ts';

const logger = createLogger();

const sendAlert = createSendAlertStep({
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('WORKFLOW_ALERTS_TOPIC_ARN') }),
  logger,
});

const handler = step({ logger, schema: SendAlertInput, handler: sendAlert });

export { handler };

// Report The Repair (replica-repair). Wiring only: see ../steps/report.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { eventBridgeClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { ReportInput } from '../schemas.ts';
import { createReportStep } from '../steps/report.ts';

const logger = createLogger();

const report = createReportStep({
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('REPLICA_ESCALATION_TOPIC_ARN') }),
  logger,
});

const handler = step({ logger, schema: ReportInput, handler: report });

export { handler };

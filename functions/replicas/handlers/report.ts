// Report The Repair (replica-repair). Wiring only: see ../steps/report.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { dynamoDocumentClient, eventBridgeClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createEscalationLog } from '../adapters/escalations.ts';
import { ReportInput } from '../schemas.ts';
import { createReportStep } from '../steps/report.ts';
import { escalationRepeatMs } from './config.ts';

const logger = createLogger();

const deps = {
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('REPLICA_ESCALATION_TOPIC_ARN') }),
  escalations: createEscalationLog({ ddb: dynamoDocumentClient(), tableName: requireEnv('REPLICA_ESCALATIONS_TABLE') }),
  logger,
};

const handler = step({
  logger,
  schema: ReportInput,
  handler: (input: ReportInput) => createReportStep({ ...deps, repeatMs: escalationRepeatMs() })(input),
});

export { handler };

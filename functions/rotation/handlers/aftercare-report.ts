// Notify Outcome (rotation-remediation and rotation-verification). Wiring only: see ../steps/aftercare-report.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { createNotifier } from '../../shared/adapters/notifications.ts';
import { eventBridgeClient, snsClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { retryEnabled } from '../domain/remediation.ts';
import { AftercareReportInput } from '../schemas.ts';
import { createAftercareReportStep } from '../steps/aftercare-report.ts';

const logger = createLogger();

const report = createAftercareReportStep({
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
  logger,
  // Read per call: the stage param remediationRetry (serverless.yml params) sets REMEDIATION_RETRY.
  retry: () => retryEnabled(requireEnv('REMEDIATION_RETRY')),
});

const handler = step({ logger, schema: AftercareReportInput, handler: report });

export { handler };

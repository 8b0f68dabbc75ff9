// Notify Outcome. Wiring only: see steps/report.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createEventPublisher } from '../shared/adapters/bus.ts';
import { createNotifier } from '../shared/adapters/notifications.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { eventBridgeClient, snsClient } from './steps/clients.ts';
import { ReportInput } from './steps/inputs.ts';
import { createReportStep } from './steps/report.ts';
import { transientErrors } from './steps/transient.ts';

const logger = createLogger();

const report = createReportStep({
  bus: createEventPublisher({ events: eventBridgeClient() }),
  notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
  logger,
});

const handler = middy((input: ReportInput) => report(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: ReportInput }));

export { handler };

// Diagnose Failure (rotation-remediation) and Notify Outcome (rotation-remediation and rotation-verification).
// Wiring only: see steps/remediation.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createEventPublisher } from '../shared/adapters/bus.ts';
import { createNotifier } from '../shared/adapters/notifications.ts';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { retryEnabled } from './domain/remediation.ts';
import { eventBridgeClient, secretsManagerClient, snsClient } from './steps/clients.ts';
import { createAftercareReportStep, createDiagnoseStep } from './steps/remediation.ts';
import { createSecretLabels } from './steps/secrets.ts';
import { transientErrors } from './steps/transient.ts';
import { AftercareReportInput, DiagnoseInput } from './steps/verification-inputs.ts';
import { strategyNames } from './strategies/index.ts';
import { createSecretStore } from './strategies/secrets-adapter.ts';

const logger = createLogger();

const diagnoseStep = createDiagnoseStep({
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  store: createSecretStore({ client: secretsManagerClient() }),
  knownStrategies: strategyNames,
  logger,
  postgres: { connectTimeoutMs: Number(process.env.ROTATION_TARGET_CONNECT_TIMEOUT_MS ?? 5_000) },
});

// Built on first use: the diagnose function has no topic in its environment.
let reportStep: ReturnType<typeof createAftercareReportStep> | undefined;
const reportOutcome = (input: AftercareReportInput) => {
  reportStep ??= createAftercareReportStep({
    bus: createEventPublisher({ events: eventBridgeClient() }),
    notifier: createNotifier({ sns: snsClient(), topicArn: requireEnv('ROTATION_TOPIC_ARN') }),
    logger,
    retry: () => retryEnabled(process.env.REMEDIATION_RETRY),
  });
  return reportStep(input);
};

const diagnose = middy((input: DiagnoseInput) => diagnoseStep(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: DiagnoseInput }));

const report = middy((input: AftercareReportInput) => reportOutcome(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: AftercareReportInput }));

export { diagnose, report };

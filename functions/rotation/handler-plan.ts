// Plan Rotation. Wiring only: see steps/plan.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { secretsManagerClient } from './steps/clients.ts';
import { PlanStepInput } from './steps/inputs.ts';
import { createPlanStep } from './steps/plan.ts';
import { createSecretLabels } from './steps/secrets.ts';
import { transientErrors } from './steps/transient.ts';
import { strategyNames } from './strategies/index.ts';

const logger = createLogger();

const plan = createPlanStep({
  secrets: createSecretLabels({ client: secretsManagerClient() }),
  approvalDefault: requireEnv('APPROVAL_DEFAULT'),
  knownStrategies: strategyNames,
  logger,
});

const handler = middy((input: PlanStepInput) => plan(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: PlanStepInput }));

export { handler };

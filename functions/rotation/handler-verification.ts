// Inspect Secret and Mark Roll Back (rotation-verification, and Mark for rotation-remediation too). Wiring only: see
// steps/verification.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { requireEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { secretsManagerClient, stepFunctionsClient } from './steps/clients.ts';
import { createSecretLabels } from './steps/secrets.ts';
import { transientErrors } from './steps/transient.ts';
import { createInspectStep, createMarkRollbackStep } from './steps/verification.ts';
import { createRotationExecutions, createSecretTags } from './steps/verification-adapters.ts';
import { InspectInput, MarkRollbackInput } from './steps/verification-inputs.ts';
import { strategyNames } from './strategies/index.ts';

const logger = createLogger();

// Built on first use: each function only has the environment its own step needs.
let inspectStep: ReturnType<typeof createInspectStep> | undefined;
const inspectSecret = (input: InspectInput) => {
  inspectStep ??= createInspectStep({
    secrets: createSecretLabels({ client: secretsManagerClient() }),
    rotations: createRotationExecutions({
      sfn: stepFunctionsClient(),
      stateMachineArn: requireEnv('ROTATION_STATE_MACHINE_ARN'),
    }),
    knownStrategies: strategyNames,
    logger,
  });
  return inspectStep(input);
};

const markRollbackStep = createMarkRollbackStep({ tags: createSecretTags({ client: secretsManagerClient() }), logger });

const inspect = middy((input: InspectInput) => inspectSecret(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: InspectInput }));

const markRollback = middy((input: MarkRollbackInput) => markRollbackStep(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: MarkRollbackInput }));

export { inspect, markRollback };

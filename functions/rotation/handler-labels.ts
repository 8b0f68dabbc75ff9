// Promote Pending To Current, Discard Pending Version, Roll Back To Previous. Wiring only: see steps/labels.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { createLogger } from '../shared/logger.ts';
import { secretsManagerClient } from './steps/clients.ts';
import { LabelStepInput } from './steps/inputs.ts';
import { createLabelStep } from './steps/labels.ts';
import { createSecretLabels } from './steps/secrets.ts';
import { transientErrors } from './steps/transient.ts';

const logger = createLogger();

const moveLabels = createLabelStep({ secrets: createSecretLabels({ client: secretsManagerClient() }), logger });

const handler = middy((input: LabelStepInput) => moveLabels(input))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(transientErrors())
  .use(parser({ schema: LabelStepInput }));

export { handler };

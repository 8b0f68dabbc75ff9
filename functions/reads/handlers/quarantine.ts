// read-anomaly-quarantine: denies the suspect principal in the secret's resource policy. Wiring only: ../respond.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { createLogger } from '../../shared/logger.ts';
import { createSecretPolicies } from '../adapters/secrets.ts';
import { createQuarantine, QuarantineInput } from '../respond.ts';

const logger = createLogger();

const quarantine = createQuarantine({ logger, secrets: createSecretPolicies({ sm: new SecretsManagerClient({}) }) });

const handler = middy(quarantine)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(parser({ schema: QuarantineInput }));

export { handler };

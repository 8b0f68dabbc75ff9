// read-anomaly-assess: the workflow's first step. Wiring only: see ../respond.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { createCounters } from '../adapters/counters.ts';
import { createSecretPolicies } from '../adapters/secrets.ts';
import { AssessInput, createAssess } from '../respond.ts';

const logger = createLogger();

const assess = createAssess({
  logger,
  counters: createCounters({
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: requireEnv('READ_COUNTERS_TABLE'),
  }),
  secrets: createSecretPolicies({ sm: new SecretsManagerClient({}) }),
  defaultPolicy: process.env.READ_ANOMALY_RESPONSE ?? 'none',
  approvalDefault: process.env.APPROVAL_DEFAULT ?? 'required',
});

const handler = middy(assess)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(parser({ schema: AssessInput }));

export { handler };

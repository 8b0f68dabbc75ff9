// What the approval HTTP handlers build the same way: the decide step over the real clients and this stage's
// approvals table and allowlist. Wiring only: see http/decide.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import { dynamoDocumentClient, eventBridgeClient, stepFunctionsClient } from '../rotation/steps/clients.ts';
import { requireEnv } from '../shared/config.ts';
import { approversFromEnv, createHttpDecide } from './http/decide.ts';

const httpDecideFromEnv = (logger: Logger) =>
  createHttpDecide({
    ddb: dynamoDocumentClient(),
    sfn: stepFunctionsClient(),
    events: eventBridgeClient(),
    tableName: requireEnv('APPROVALS_TABLE'),
    logger,
    allowlist: approversFromEnv,
  });

export { httpDecideFromEnv };

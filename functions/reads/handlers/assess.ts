// read-anomaly-assess: the workflow's first step (Assess The Spike). Wiring only: see ../steps/assess.ts.
import { s3Client, secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createCounters } from '../adapters/counters.ts';
import { createSecretPolicies } from '../adapters/secrets.ts';
import { AssessInput } from '../schemas.ts';
import { createAssess } from '../steps/assess.ts';

const logger = createLogger();

const assess = createAssess({
  logger,
  counters: createCounters({ s3: s3Client(), bucket: requireEnv('READ_STATE_BUCKET') }),
  secrets: createSecretPolicies({ sm: secretsManagerClient() }),
  defaultPolicy: requireEnv('READ_ANOMALY_RESPONSE'),
  approvalDefault: requireEnv('APPROVAL_DEFAULT'),
});

const handler = step({ logger, schema: AssessInput, handler: assess });

export { handler };

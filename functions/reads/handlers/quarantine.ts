// read-anomaly-quarantine: denies the suspect principal in the secret's resource policy (Quarantine The Principal).
// Wiring only: see ../steps/quarantine.ts.
import { secretsManagerClient } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretPolicies } from '../adapters/secrets.ts';
import { QuarantineInput } from '../schemas.ts';
import { createQuarantine } from '../steps/quarantine.ts';

const logger = createLogger();

const quarantine = createQuarantine({ logger, secrets: createSecretPolicies({ sm: secretsManagerClient() }) });

const handler = step({ logger, schema: QuarantineInput, handler: quarantine });

export { handler };

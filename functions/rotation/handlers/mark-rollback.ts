// Mark Roll Back (rotation-verification and rotation-remediation). Wiring only: see ../steps/verification.ts.
import { secretsManagerClient } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretTags } from '../adapters/secret-tags.ts';
import { MarkRollbackInput } from '../schemas.ts';
import { createMarkRollbackStep } from '../steps/verification.ts';

const logger = createLogger();

const markRollback = createMarkRollbackStep({ tags: createSecretTags({ client: secretsManagerClient() }), logger });

const handler = step({ logger, schema: MarkRollbackInput, handler: markRollback });

export { handler };

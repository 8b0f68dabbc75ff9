// Find Candidates (replica-repair). Wiring only: see ../steps/find-candidates.ts.
import { createSecretInventory } from '../../shared/adapters/inventory.ts';
import { dynamoDocumentClient, secretsManagerClient, secretsManagerClientIn } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createEscalationLog } from '../adapters/escalations.ts';
import { createReplication } from '../adapters/replication.ts';
import { FindCandidatesInput } from '../schemas.ts';
import { createFindCandidatesStep } from '../steps/find-candidates.ts';
import { kmsKeys, stackRegion } from './config.ts';

const logger = createLogger();

const findCandidates = createFindCandidatesStep({
  inventory: createSecretInventory({ client: secretsManagerClient() }),
  replication: createReplication({ client: secretsManagerClient(), clientIn: secretsManagerClientIn }),
  escalations: createEscalationLog({ ddb: dynamoDocumentClient(), tableName: requireEnv('REPLICA_ESCALATIONS_TABLE') }),
  logger,
  region: stackRegion(),
  kmsKeys,
  approvalDefault: requireEnv('APPROVAL_DEFAULT'),
});

const handler = step({ logger, schema: FindCandidatesInput, handler: findCandidates });

export { handler };

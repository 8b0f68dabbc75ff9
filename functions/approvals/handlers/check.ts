// Check Approval (`checkApproval`): the task after every approval wait, in every workflow that waits for one
// (docs/approvals.md, "Check the record"). Wiring only: see ../steps/check-approval.ts.
import { dynamoDocumentClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createApprovalStore } from '../adapters/store.ts';
import { allowlistOf } from '../domain/policy.ts';
import { CheckApprovalInput } from '../schemas.ts';
import { createCheckApprovalStep } from '../steps/check-approval.ts';

const logger = createLogger();

const checkApproval = createCheckApprovalStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  logger,
  // Read per call, as the doors do: an approver removed from the list since the decision no longer counts.
  allowlist: () => allowlistOf(process.env.APPROVERS),
});

const handler = step({ logger, schema: CheckApprovalInput, handler: (input) => checkApproval(input) });

export { handler };

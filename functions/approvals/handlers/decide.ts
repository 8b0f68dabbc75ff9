// The `approve` function: `{ approvalId, decision: 'approve'|'reject', approver }` → decide once → complete the
// waiting workflow. The operators' door (`smcp approve|reject`, the local console): an IAM-protected function, so it
// decides as the approver it is given; the Slack and link doors verify their caller and then decide the same way.
// Wiring only: see ../steps/decide-approval.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { dynamoDocumentClient, eventBridgeClient, sfnClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createApprovalStore } from '../adapters/store.ts';
import { createTaskCallbacks } from '../adapters/tasks.ts';
import { allowlistOf } from '../domain/policy.ts';
import { DecideApprovalInput } from '../schemas.ts';
import { createDecideStep } from '../steps/decide-approval.ts';

const logger = createLogger();

const decideApproval = createDecideStep({
  store: createApprovalStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('APPROVALS_TABLE') }),
  tasks: createTaskCallbacks({ sfn: sfnClient() }),
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  logger,
  // Read per call: the allowlist is configuration, and an empty one means nobody may approve (fail closed).
  allowlist: () => allowlistOf(process.env.APPROVERS),
});

const handler = step({ logger, schema: DecideApprovalInput, handler: (input) => decideApproval(input) });

export { handler };

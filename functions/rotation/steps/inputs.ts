// The approval gate's inputs: the approvals area's (the request and decide steps beside this file move to
// functions/approvals/ with them). Rotation's own step inputs are in functions/rotation/schemas.ts.
import { z } from 'zod';

const id = z.string().min(1).max(2048);

const RequestApprovalInput = z.object({
  taskToken: z.string().min(1),
  secretId: id,
  executionArn: id,
  requestedBy: z.string().min(1).max(256),
  reason: z.string().max(1024).default('not given'),
  strategy: id,
  timeoutSeconds: z.coerce.number().int().positive(),
});
type RequestApprovalInput = z.infer<typeof RequestApprovalInput>;

const DecideApprovalInput = z.object({
  approvalId: z.string().min(1).max(256),
  decision: z.enum(['approve', 'reject']),
  approver: z.string().min(1).max(256),
});
type DecideApprovalInput = z.infer<typeof DecideApprovalInput>;

export { DecideApprovalInput, RequestApprovalInput };

// Check Approval: the step after every approval wait (docs/approvals.md, "Check the record"). The wait ends when
// someone calls SendTaskSuccess with the task token, and the token is in the execution history and the approvals
// table: whoever can read either can end the wait with any output. So the output proves nothing. This step reads
// the approval record (strongly consistent) and lets the workflow go on only when the record says it was approved,
// through the decision path, for this execution, secret and action; it returns the decision as the record has it,
// and the workflow reports who approved from that. Anything else throws ApprovalNotGrantedError: a rejection.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApprovalStore } from '../adapters/store.ts';
import { approvalIdIn, type VerifiedApproval, verifyApproval } from '../domain/record.ts';
import { ApprovalNotGrantedError } from '../errors.ts';
import type { CheckApprovalInput } from '../schemas.ts';

interface CheckApprovalDeps {
  readonly store: Pick<ApprovalStore, 'get'>;
  readonly logger: Logger;
  /** The approvers as configured now: the record's approver must still be one. */
  readonly allowlist: () => Iterable<string>;
}

const createCheckApprovalStep =
  ({ store, logger, allowlist }: CheckApprovalDeps) =>
  async ({ callback, executionArn, secretId, action }: CheckApprovalInput): Promise<VerifiedApproval> => {
    const approvalId = approvalIdIn(callback);
    const refuse = (reason: string): never => {
      // A forged completion is worth an alarm: someone held the task token who is not the decision path.
      logger.warn('Approval not granted: the workflow does not go on', { approvalId, executionArn, reason });
      throw new ApprovalNotGrantedError(approvalId, reason);
    };
    if (approvalId === undefined) return refuse('the task output names no approval');
    const verdict = verifyApproval(await store.get(approvalId), {
      executionArn,
      secretId,
      action,
      allowlist: allowlist(),
    });
    if (!verdict.ok) return refuse(verdict.reason);
    logger.info('Approval checked', { approvalId, executionArn, decidedBy: verdict.approval.decidedBy });
    return verdict.approval;
  };

export type { CheckApprovalDeps };
export { createCheckApprovalStep };

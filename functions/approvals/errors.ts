// Errors of the approvals area. State machines and callbacks match these names. Messages carry the approval id only:
// never a task token, a signing secret or a request body.
import { SmcpError } from '../shared/errors.ts';

/** The base of the approvals area's errors. */
class ApprovalError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApprovalError';
  }
}

/** The record was decided before (a replayed request, a reused link, or the loser of a concurrent race). */
class ApprovalAlreadyDecidedError extends ApprovalError {
  readonly approvalId: string;
  constructor(approvalId: string, options?: ErrorOptions) {
    super(`Approval ${approvalId} was already decided`, options);
    this.name = 'ApprovalAlreadyDecidedError';
    this.approvalId = approvalId;
  }
}

/** Still pending, but its expiry has passed: the waiting step times out and counts that as a rejection. */
class ApprovalExpiredError extends ApprovalError {
  readonly approvalId: string;
  constructor(approvalId: string, options?: ErrorOptions) {
    super(`Approval ${approvalId} has expired`, options);
    this.name = 'ApprovalExpiredError';
    this.approvalId = approvalId;
  }
}

class ApprovalNotFoundError extends ApprovalError {
  readonly approvalId: string;
  constructor(approvalId: string, options?: ErrorOptions) {
    super(`Approval ${approvalId} does not exist`, options);
    this.name = 'ApprovalNotFoundError';
    this.approvalId = approvalId;
  }
}

/** An approval id is used once: a second put with the same id is a bug or a replayed step, never an overwrite. */
class ApprovalAlreadyExistsError extends ApprovalError {
  readonly approvalId: string;
  constructor(approvalId: string, options?: ErrorOptions) {
    super(`Approval ${approvalId} already exists`, options);
    this.name = 'ApprovalAlreadyExistsError';
    this.approvalId = approvalId;
  }
}

/**
 * Check Approval found no approval it can go on with: the record is missing, another execution's, still pending,
 * rejected, expired or not decided by the decision path. The step after every approval wait catches it as a rejection.
 * The message names the approval id (when the task output named a well-formed one) and a fixed reason.
 */
class ApprovalNotGrantedError extends ApprovalError {
  readonly reason: string;
  constructor(approvalId: string | undefined, reason: string, options?: ErrorOptions) {
    super(
      `${approvalId === undefined ? 'No approval' : `Approval ${approvalId}`} does not allow this: ${reason}`,
      options,
    );
    this.name = 'ApprovalNotGrantedError';
    this.reason = reason;
  }
}

/** The caller passed a record or decision the store refuses to write (e.g. a non-canonical timestamp). */
class InvalidApprovalError extends ApprovalError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidApprovalError';
  }
}

export {
  ApprovalAlreadyDecidedError,
  ApprovalAlreadyExistsError,
  ApprovalError,
  ApprovalExpiredError,
  ApprovalNotFoundError,
  ApprovalNotGrantedError,
  InvalidApprovalError,
};

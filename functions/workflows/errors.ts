// Errors of the workflows area (the failure alert). Messages carry ARNs and names only.
import { SmcpError } from '../shared/errors.ts';

/** The base of the workflows area's errors. */
class WorkflowsError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkflowsError';
  }
}

/** Step Functions has no such execution: an event that names one is not believed. */
class ExecutionNotFoundError extends WorkflowsError {
  constructor(executionArn: string, options?: ErrorOptions) {
    super(`Execution ${executionArn} does not exist`, options);
    this.name = 'ExecutionNotFoundError';
  }
}

export { ExecutionNotFoundError, WorkflowsError };

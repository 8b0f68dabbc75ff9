// Errors of the dispatch area. A rejected event is not an error (it is parked with a reason); these are what the
// dispatcher's adapters throw.
import { SmcpError } from '../shared/errors.ts';

/** The base of the dispatch area's errors. */
class DispatchError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DispatchError';
  }
}

/** The workflow an event maps to has no state machine in this stage: the event is parked, not retried. */
class WorkflowNotDeployedError extends DispatchError {
  constructor(workflow: string, options?: ErrorOptions) {
    super(`Workflow "${workflow}" has no state machine in this stage; deploy it or disable its rule`, options);
    this.name = 'WorkflowNotDeployedError';
  }
}

export { DispatchError, WorkflowNotDeployedError };

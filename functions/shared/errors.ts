// Errors shared by every area. State machines match these names in Retry/Catch.

/** A deployment or environment mistake: retrying cannot fix it. */
class ConfigurationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** The workflow an event maps to has no state machine in this stage. */
class WorkflowNotDeployedError extends Error {
  constructor(workflow: string, options?: ErrorOptions) {
    super(`Workflow "${workflow}" has no state machine in this stage; deploy it or disable its rule`, options);
    this.name = 'WorkflowNotDeployedError';
  }
}

export { ConfigurationError, WorkflowNotDeployedError };

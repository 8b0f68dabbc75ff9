// Errors of the rotation area. The rotation state machine matches these names: TargetUnreachableError is listed in
// Retry (the target may come back); the others appear only in Catch (retrying cannot fix them).
// Messages name secrets, versions, hosts and roles, never a secret value.

/** The secret, or the version or staging label asked for, does not exist. */
class SecretNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretNotFoundError';
  }
}

/** The rotation's token names no version of the secret, or that version has no value yet. */
class PendingVersionMissingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PendingVersionMissingError';
  }
}

/** The target (database, webhook endpoint) could not be reached or answered with a transient failure. Retryable. */
class TargetUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetUnreachableError';
  }
}

/** The target refused every credential the secret holds, or refused the new value. Not retryable. */
class CredentialsRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialsRejectedError';
  }
}

/** The secret or the strategy is set up wrongly (missing field, unknown strategy, insecure URL). Not retryable. */
class StrategyConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StrategyConfigError';
  }
}

export {
  CredentialsRejectedError,
  PendingVersionMissingError,
  SecretNotFoundError,
  StrategyConfigError,
  TargetUnreachableError,
};

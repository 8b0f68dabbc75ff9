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

/**
 * An AWS call failed transiently (throttling, 5xx) after the SDK's own retries. The workflow retries the step with
 * backoff. A step rethrows under this name so the state machine matches one name whatever the service.
 */
class TransientAwsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientAwsError';
  }
}

/** The target refused the credentials a rotation step had to prove (pending, or current after promotion). Not retryable. */
class VerificationFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VerificationFailedError';
  }
}

/** The secret's staging labels are not what the step can work from (no AWSCURRENT, no prior version). Not retryable. */
class LabelStateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LabelStateError';
  }
}

export {
  CredentialsRejectedError,
  LabelStateError,
  PendingVersionMissingError,
  SecretNotFoundError,
  StrategyConfigError,
  TargetUnreachableError,
  TransientAwsError,
  VerificationFailedError,
};

// Errors of the rotation area (the rotation, rotation-remediation and rotation-verification workflows). The state
// machines match these names: TargetUnreachableError is listed in Retry (the target may come back); the others appear
// only in Catch (retrying cannot fix them). Transient AWS failures are the shared TransientAwsError
// (functions/shared/errors.ts). Messages name secrets, versions, hosts and roles, never a secret value.
import { SmcpError } from '../shared/errors.ts';

/** The base of the rotation area's errors. */
class RotationError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RotationError';
  }
}

/** The secret, or the version or staging label asked for, does not exist. */
class SecretNotFoundError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretNotFoundError';
  }
}

/** The rotation's token names no version of the secret, or that version has no value yet. */
class PendingVersionMissingError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PendingVersionMissingError';
  }
}

/** The target (database, webhook endpoint) could not be reached or answered with a transient failure. Retryable. */
class TargetUnreachableError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetUnreachableError';
  }
}

/** The target refused every credential the secret holds, or refused the new value. Not retryable. */
class CredentialsRejectedError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialsRejectedError';
  }
}

/** The secret or the strategy is set up wrongly (missing field, unknown strategy, insecure URL). Not retryable. */
class StrategyConfigError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StrategyConfigError';
  }
}

/** The target refused the credentials a rotation step had to prove (pending, or current after promotion). Not retryable. */
class VerificationFailedError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VerificationFailedError';
  }
}

/** The secret's staging labels are not what the step can work from (no AWSCURRENT, no prior version). Not retryable. */
class LabelStateError extends RotationError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LabelStateError';
  }
}

export {
  CredentialsRejectedError,
  LabelStateError,
  PendingVersionMissingError,
  RotationError,
  SecretNotFoundError,
  StrategyConfigError,
  TargetUnreachableError,
  VerificationFailedError,
};

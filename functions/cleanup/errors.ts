// Errors of the cleanup area. The cleanup state machine matches these names; messages name secrets and settings, never
// a secret value.
import { SmcpError } from '../shared/errors.ts';

/** The base of the cleanup area's errors. */
class CleanupError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CleanupError';
  }
}

/** A stage param is out of its range (cleanupRecoveryDays outside 7–30, …): the scan stops before it changes anything. */
class CleanupSettingsError extends CleanupError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CleanupSettingsError';
  }
}

/** The secret a work item names is gone (deleted by someone else meanwhile): nothing to do. */
class CleanupSecretGoneError extends CleanupError {
  constructor(secretId: string, options?: ErrorOptions) {
    super(`Secret ${secretId} no longer exists`, options);
    this.name = 'CleanupSecretGoneError';
  }
}

/** Secrets Manager refused the deletion (a replica left, service-owned, already scheduled): reported, not retried. */
class DeletionRefusedError extends CleanupError {
  constructor(secretId: string, why: string, options?: ErrorOptions) {
    super(`Secrets Manager refused to delete ${secretId}: ${why}`, options);
    this.name = 'DeletionRefusedError';
  }
}

export { CleanupError, CleanupSecretGoneError, CleanupSettingsError, DeletionRefusedError };

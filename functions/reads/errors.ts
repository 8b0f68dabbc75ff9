// Errors of the read-spike area. The read-anomaly-response state machine matches these names: SecretNotFoundError and
// QuarantineRefusedError appear only in Catch (retrying cannot fix them). Messages name secrets, keys and principals,
// never a secret value.
import { SmcpError } from '../shared/errors.ts';

/** The base of the read-spike area's errors. */
class ReadsError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReadsError';
  }
}

/** The secret a read or a spike names does not exist (any more). */
class SecretNotFoundError extends ReadsError {
  constructor(secretId: string, options?: ErrorOptions) {
    super(`Secret ${secretId} not found`, options);
    this.name = 'SecretNotFoundError';
  }
}

/** Several writers updated the same counter at once more often than the retry budget allows; retrying later will. */
class CounterContentionError extends ReadsError {
  constructor(key: string, options?: ErrorOptions) {
    super(`Counter ${key} kept changing under a concurrent writer`, options);
    this.name = 'CounterContentionError';
  }
}

/** Another detect-spikes run saved the detectors since this one loaded them: this run's feeding is dropped, and the
 * next run feeds the same minutes again from the saved state (nothing is skipped, nothing fed twice). */
class DetectorStateConflictError extends ReadsError {
  constructor(where: string, options?: ErrorOptions) {
    super(`The detectors at ${where} were saved by another run since this one loaded them`, options);
    this.name = 'DetectorStateConflictError';
  }
}

/** Quarantine would deny the whole account (the root principal): a human must decide. Not retried. */
class QuarantineRefusedError extends ReadsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QuarantineRefusedError';
  }
}

/** A counter write that a queue record contributed to failed: the record goes back to the queue (batchItemFailures). */
class RecordWriteFailedError extends ReadsError {
  constructor(messageId: string, options?: ErrorOptions) {
    super(`A counter write for record ${messageId} failed`, options);
    this.name = 'RecordWriteFailedError';
  }
}

export {
  CounterContentionError,
  DetectorStateConflictError,
  QuarantineRefusedError,
  ReadsError,
  RecordWriteFailedError,
  SecretNotFoundError,
};

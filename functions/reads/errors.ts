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

/** The log file a notice names is not in the bucket (any more: the lifecycle rule expired it). Not retried. */
class LogFileGoneError extends ReadsError {
  constructor(bucket: string, key: string, options?: ErrorOptions) {
    super(`Log file s3://${bucket}/${key} does not exist`, options);
    this.name = 'LogFileGoneError';
  }
}

/** The object is not a gzipped CloudTrail log file (not gzip, or not JSON inside). Not retried. */
class LogFileUnreadableError extends ReadsError {
  readonly reason: string;
  constructor(bucket: string, key: string, reason: string, options?: ErrorOptions) {
    super(`Log file s3://${bucket}/${key} is unreadable: ${reason}`, options);
    this.name = 'LogFileUnreadableError';
    this.reason = reason;
  }
}

/**
 * A queue message's log file could not be read now, or a counter write its reads contributed to failed: the message
 * goes back to the queue (batchItemFailures) and its file is read again.
 */
class RecordWriteFailedError extends ReadsError {
  constructor(messageId: string, options?: ErrorOptions) {
    super(`Record ${messageId} returns to the queue: its log file was not read or not counted whole`, options);
    this.name = 'RecordWriteFailedError';
  }
}

export {
  CounterContentionError,
  DetectorStateConflictError,
  LogFileGoneError,
  LogFileUnreadableError,
  QuarantineRefusedError,
  ReadsError,
  RecordWriteFailedError,
  SecretNotFoundError,
};

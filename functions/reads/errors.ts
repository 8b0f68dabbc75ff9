// Errors of the read-spike area. State machines match these names in Retry/Catch.

/** The secret a read names does not exist (any more): the read cannot be attributed to an ARN. */
class SecretNotFoundError extends Error {
  constructor(secretId: string, options?: ErrorOptions) {
    super(`Secret ${secretId} not found`, options);
    this.name = 'SecretNotFoundError';
  }
}

/** Several writers updated the same counter at once more often than the retry budget allows; retrying later will. */
class CounterContentionError extends Error {
  constructor(key: string, options?: ErrorOptions) {
    super(`Counter ${key} kept changing under a concurrent writer`, options);
    this.name = 'CounterContentionError';
  }
}

/** Quarantine would deny the whole account (the root principal): a human must decide. Not retried. */
class QuarantineRefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QuarantineRefusedError';
  }
}

export { CounterContentionError, QuarantineRefusedError, SecretNotFoundError };

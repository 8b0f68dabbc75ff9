const REASON_PREFIX = 'Event pattern is not valid. Reason: ';

/**
 * What EventBridge answers to PutRule / TestEventPattern for a pattern it cannot compile.
 * The name is the AWS error code so the local endpoint can put it straight into `__type`.
 */
class InvalidEventPatternError extends Error {
  // The bare reason, without AWS's fixed prefix: handy for logs and for callers that rephrase.
  readonly reason: string;

  constructor(reason: string, options?: ErrorOptions) {
    super(`${REASON_PREFIX}${reason}`, options);
    this.name = 'InvalidEventPatternException';
    this.reason = reason;
  }
}

/** An event the bus refuses to route (not an object, no id, nested too deep): the caller's mistake, never a crash. */
class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

export { InvalidEventError, InvalidEventPatternError };

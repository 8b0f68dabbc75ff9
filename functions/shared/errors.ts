// Errors shared by every area. State machines match these names in Retry/Catch. Each area has its own base error in
// functions/<area>/errors.ts; these are the ones no single area owns.

/** The base of every error the control plane throws on purpose: `name` is what a state machine matches. */
class SmcpError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmcpError';
  }
}

/** A deployment or environment mistake: retrying cannot fix it. */
class ConfigurationError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/**
 * An AWS call failed transiently (throttling, 5xx) after the SDK's own retries. The workflow retries the step with
 * backoff: every step rethrows under this one name (functions/shared/transient.ts), whatever the service.
 */
class TransientAwsError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientAwsError';
  }
}

export { ConfigurationError, SmcpError, TransientAwsError };

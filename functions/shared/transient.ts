// A middy middleware that renames transient AWS failures (throttling, 5xx, timeouts), once the SDK's own retries are
// spent, to TransientAwsError: the one name the state machines' shared Retry (statemachines/fragments/retry.yml) lists
// for them, whichever service failed.
import type middy from '@middy/core';
import { TransientAwsError } from './errors.ts';

const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalServiceError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);

interface SdkErrorShape {
  name?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const isTransientAwsError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const { name = '', $retryable, $metadata } = error as SdkErrorShape;
  return TRANSIENT_NAMES.has(name) || Boolean($retryable) || ($metadata?.httpStatusCode ?? 0) >= 500;
};

const transientErrors = (): middy.MiddlewareObj => ({
  onError: async (request) => {
    const error = request.error;
    if (!isTransientAwsError(error)) return;
    // A throttling or 5xx message is the service's own ("Rate exceeded"), never a parameter value; capped anyway.
    // The original stays as the cause.
    const { name, message } = error as Error;
    request.error = new TransientAwsError(`AWS call failed transiently: ${name} (${message.slice(0, 200)})`, {
      cause: error,
    });
  },
});

export { isTransientAwsError, transientErrors };

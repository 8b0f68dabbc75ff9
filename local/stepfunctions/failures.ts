// How task failures reach the ASL: an Error whose `name` is the ASL Error (what Retry/Catch match) and whose
// `message` is the Cause, the two fields the library reads.

const taskError = (name: string, cause: string) => Object.assign(new Error(cause), { name });

// The prefix AWS puts on a service's own exceptions in an integration (`Lambda.ServiceException`,
// `SNS.InvalidParameterException`, `SecretsManager.ResourceNotFoundException`).
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  lambda: 'Lambda',
  sns: 'SNS',
  sqs: 'SQS',
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  states: 'StepFunctions',
  secretsmanager: 'SecretsManager',
};

const prefixOf = (service: string) =>
  SERVICE_PREFIX[service] ?? `${service.charAt(0).toUpperCase()}${service.slice(1)}`;

/** A thrown SDK exception (it carries `$fault`) or an error marked `serviceError: true` is the service's, not the code's. */
const isServiceError = (error: Error) =>
  '$fault' in error || (error as Error & { serviceError?: unknown }).serviceError === true;

/**
 * The ASL Error and Cause for what invokeLambda threw. A function error keeps its name (`SecretNotFoundError`) and,
 * as AWS does, its Cause is the runtime's JSON `{ errorType, errorMessage, trace }`; a Lambda service error becomes
 * `Lambda.<name>` with the message as Cause.
 */
const lambdaFailure = (error: unknown) => {
  if (!(error instanceof Error))
    return { error: 'Error', cause: JSON.stringify({ errorType: 'Error', errorMessage: String(error), trace: [] }) };
  if (isServiceError(error)) return { error: `Lambda.${error.name}`, cause: error.message };
  const trace = (error.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return {
    error: error.name,
    cause: JSON.stringify({ errorType: error.name, errorMessage: error.message, trace }),
  };
};

/** The ASL Error and Cause for what another integration threw: `<Service>.<name>` unless already qualified. */
const integrationFailure = (service: string, error: unknown) => {
  if (!(error instanceof Error)) return { error: `${prefixOf(service)}.Error`, cause: String(error) };
  return { error: error.name.includes('.') ? error.name : `${prefixOf(service)}.${error.name}`, cause: error.message };
};

export { integrationFailure, lambdaFailure, taskError };

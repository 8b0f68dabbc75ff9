// One error vocabulary for the JSON-protocol emulators. Each service names its own errors (`__type`); this module
// words the ones every service has — an unreadable body, a member of the wrong JSON type, a missing member, broken
// model constraints — the way that service's front end words them.
import { AwsError } from '../protocol.ts';

interface ErrorVocabulary {
  /** One of the service's own errors; `__type` is `name`, namespaced where the service's protocol does that. */
  error(name: string, message: string, status?: number): AwsError;
  /** The body cannot be read: not JSON, not an object, too large or nested too deep. */
  serialization(message: string): AwsError;
  /** A member whose JSON type is not the model's. */
  wrongType(path: string, value: unknown, expected: string): AwsError;
  /** Every broken model constraint of a request, reported together. */
  validation(problems: readonly string[]): AwsError;
  /** Set when a missing required member fails at once (SQS); otherwise it joins the validation problems (Coral). */
  readonly missing?: (path: string) => AwsError;
  /** How a member is named in messages: `secretId` (Coral), `QueueUrl` (SQS). */
  memberName(key: string): string;
}

const SERIALIZATION = 'SerializationException';

// Jackson's token names, as Coral quotes them: "Unexpected START_ARRAY at 'tags'".
const jsonKind = (value: unknown) => {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return 'VALUE_NUMBER';
};

/**
 * Coral's wording (Secrets Manager, Step Functions, EventBridge): members named lowerCamelCase (`secretId`,
 * `filters.1.member.key`), problems collected into one `ValidationException`, wrong types a `SerializationException`.
 */
const coralErrors = (): ErrorVocabulary => {
  const error = (name: string, message: string, status = 400) => new AwsError(name, message, status);
  const serialization = (message: string) => error(SERIALIZATION, message);
  return {
    error,
    serialization,
    wrongType: (path, value, expected) =>
      serialization(`Unexpected ${jsonKind(value)} at '${path}': expected ${expected}`),
    validation: (problems) =>
      error(
        'ValidationException',
        `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
      ),
    memberName: (key) => key.charAt(0).toLowerCase() + key.slice(1),
  };
};

/** A query-era error code and HTTP status by shape name, as the service's model gives them (`awsQueryError`). */
type QueryErrors = Readonly<Record<string, readonly [code: string, status: number]>>;

/**
 * The wording of a JSON protocol that keeps its query-era errors (SQS): `__type` is the Smithy shape id
 * (`com.amazonaws.sqs#QueueDoesNotExist`), members keep their names, a missing one is `MissingParameter` and a wrong one
 * `InvalidParameterValue`. Each error also carries its query-era code in `x-amzn-query-error: <code>;<Sender|Receiver>`,
 * which the SDKs and the AWS CLI report as the error's code (`AWS.SimpleQueueService.NonExistentQueue`); a shape without
 * one in `queryErrors` uses its own name. An unreadable body is the front end's plain `SerializationException`, as for
 * Coral.
 */
const queryCompatibleErrors = (namespace: string, queryErrors: QueryErrors = {}): ErrorVocabulary => {
  const error = (name: string, message: string, status?: number) => {
    const [code, modelStatus] = Object.hasOwn(queryErrors, name) ? (queryErrors[name] ?? [name, 400]) : [name, 400];
    const httpStatus = status ?? modelStatus;
    const fault = httpStatus >= 500 ? 'Receiver' : 'Sender';
    return new AwsError(`${namespace}${name}`, message, httpStatus, { 'x-amzn-query-error': `${code};${fault}` });
  };
  return {
    error,
    serialization: (message) => new AwsError(SERIALIZATION, message),
    wrongType: (path, _value, expected) =>
      error('InvalidParameterValue', `Value for parameter ${path} is invalid. Reason: expected ${expected}.`),
    validation: (problems) => error('InvalidParameterValue', problems.join('; ')),
    missing: (path) => error('MissingParameter', `The request must contain the parameter ${path}.`),
    memberName: (key) => key,
  };
};

export type { ErrorVocabulary, QueryErrors };
export { coralErrors, queryCompatibleErrors };

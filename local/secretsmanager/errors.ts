// AWS-shaped errors, with the messages Secrets Manager itself returns. None may ever quote a secret value.
import { AwsError } from '../protocol.ts';

const ErrorType = {
  notFound: 'ResourceNotFoundException',
  invalidRequest: 'InvalidRequestException',
  invalidParameter: 'InvalidParameterException',
  exists: 'ResourceExistsException',
  validation: 'ValidationException',
  serialization: 'SerializationException',
  invalidNextToken: 'InvalidNextTokenException',
  malformedPolicy: 'MalformedPolicyDocumentException',
  limitExceeded: 'LimitExceededException',
} as const;

const secretNotFound = () => new AwsError(ErrorType.notFound, "Secrets Manager can't find the specified secret.");

const markedForDeletion = () =>
  new AwsError(
    ErrorType.invalidRequest,
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

const notOnReplica = () =>
  new AwsError(
    ErrorType.invalidParameter,
    "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
  );

const invalidParameter = (message: string) => new AwsError(ErrorType.invalidParameter, message);
const invalidRequest = (message: string) => new AwsError(ErrorType.invalidRequest, message);
const resourceExists = (message: string) => new AwsError(ErrorType.exists, message);
const resourceNotFound = (message: string) => new AwsError(ErrorType.notFound, message);

const validation = (problems: readonly string[]) =>
  new AwsError(
    ErrorType.validation,
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );

const serialization = (message: string) => new AwsError(ErrorType.serialization, message);
const invalidNextToken = () => new AwsError(ErrorType.invalidNextToken, 'The NextToken value is invalid.');

export {
  ErrorType,
  invalidNextToken,
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  notOnReplica,
  resourceExists,
  resourceNotFound,
  secretNotFound,
  serialization,
  validation,
};

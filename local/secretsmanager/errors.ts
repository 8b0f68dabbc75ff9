// AWS-shaped errors, with the messages Secrets Manager itself returns. None may ever quote a secret value.
import { coralErrors } from '../json-protocol/errors.ts';

const errors = coralErrors();

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

const secretNotFound = () => errors.error(ErrorType.notFound, "Secrets Manager can't find the specified secret.");

const markedForDeletion = () =>
  errors.error(
    ErrorType.invalidRequest,
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

const notOnReplica = () =>
  errors.error(
    ErrorType.invalidParameter,
    "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
  );

const invalidParameter = (message: string) => errors.error(ErrorType.invalidParameter, message);
const invalidRequest = (message: string) => errors.error(ErrorType.invalidRequest, message);
const resourceExists = (message: string) => errors.error(ErrorType.exists, message);
const resourceNotFound = (message: string) => errors.error(ErrorType.notFound, message);

const invalidNextToken = () => errors.error(ErrorType.invalidNextToken, 'The NextToken value is invalid.');

export {
  ErrorType,
  errors,
  invalidNextToken,
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  notOnReplica,
  resourceExists,
  resourceNotFound,
  secretNotFound,
};

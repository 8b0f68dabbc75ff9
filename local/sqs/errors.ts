// SQS errors as its JSON protocol returns them: `__type` is the Smithy shape id (`com.amazonaws.sqs#QueueDoesNotExist`),
// which the SDK maps back to its exception class, and `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`
// names the query-era code the SDKs (`error.Code`) and the AWS CLI report, as real SQS sends it.
import { type QueryErrors, queryCompatibleErrors } from '../json-protocol/errors.ts';

/**
 * The query-era codes and statuses of the SQS API model (its `awsQueryError` traits, API version 2012-11-05). Shapes
 * without one (InvalidAttributeName, InvalidParameterValue, MissingParameter, …) keep their own name and 400.
 */
const QUERY_ERRORS: QueryErrors = {
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  InvalidSecurity: ['InvalidSecurity', 403],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  OverLimit: ['OverLimit', 403],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  RequestThrottled: ['RequestThrottled', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
};

const errors = queryCompatibleErrors('com.amazonaws.sqs#', QUERY_ERRORS);

const sqsError = errors.error;

const queueDoesNotExist = () => sqsError('QueueDoesNotExist', 'The specified queue does not exist.');

const queueNameExists = (attribute: string) =>
  sqsError(
    'QueueNameExists',
    `A queue already exists with the same name and a different value for attribute ${attribute}`,
  );

const invalidAttributeName = (name: string) => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

const invalidAttributeValue = (name: string, reason?: string) =>
  sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

const invalidParameterValue = (message: string) => sqsError('InvalidParameterValue', message);

const receiptHandleIsInvalid = (handle: string) =>
  sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);

const messageNotInflight = () =>
  sqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');

const purgeQueueInProgress = (queueUrl: string) =>
  sqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queueUrl} is allowed every 60 seconds.`);

const emptyBatchRequest = () => sqsError('EmptyBatchRequest', 'There should be at least one entry in the request.');

const tooManyEntries = (count: number) =>
  sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${count}.`);

const batchEntryIdsNotDistinct = (id: string) => sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);

const invalidBatchEntryId = () =>
  sqsError(
    'InvalidBatchEntryId',
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  );

const invalidMessageContents = () =>
  sqsError(
    'InvalidMessageContents',
    'Invalid binary character in message body; see the allowed characters in RFC1321.',
  );

const unsupportedOperation = (message: string) => sqsError('UnsupportedOperation', message);

export {
  batchEntryIdsNotDistinct,
  emptyBatchRequest,
  errors,
  invalidAttributeName,
  invalidAttributeValue,
  invalidBatchEntryId,
  invalidMessageContents,
  invalidParameterValue,
  messageNotInflight,
  purgeQueueInProgress,
  queueDoesNotExist,
  queueNameExists,
  receiptHandleIsInvalid,
  sqsError,
  tooManyEntries,
  unsupportedOperation,
};

// SQS errors as its JSON protocol returns them: `__type` is the Smithy shape id (`com.amazonaws.sqs#QueueDoesNotExist`);
// the SDK maps that back to its exception class. Real SQS also sends `x-amzn-query-error:
// AWS.SimpleQueueService.NonExistentQueue;Sender` for query-era codes, a header local/server.ts cannot set: SDK v3
// does not need it; the AWS CLI then reports the short name (QueueDoesNotExist).
import { queryCompatibleErrors } from '../json-protocol/errors.ts';

const errors = queryCompatibleErrors('com.amazonaws.sqs#');

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

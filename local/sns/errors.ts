// SNS errors as the query protocol reports them: an HTTP status, a fault side and a code the SDK maps to its
// exception classes (NotFound → NotFoundException, InvalidParameter → InvalidParameterException).
class SnsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status = 400, fault: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

const topicNotFound = () => new SnsError('NotFound', 'Topic does not exist', 404);

const invalidParameter = (message: string) => new SnsError('InvalidParameter', `Invalid parameter: ${message}`);

const invalidAction = (action: string) =>
  new SnsError('InvalidAction', `The action ${action} is not valid for this web service.`);

const missingAction = () => new SnsError('MissingAction', 'The request must contain the parameter Action.');

export { invalidAction, invalidParameter, missingAction, SnsError, topicNotFound };

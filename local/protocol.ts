// The wire contract shared by every emulated service: AWS JSON 1.0/1.1 over HTTP POST with X-Amz-Target.
import type { JsonLimits } from './json-protocol/body.ts';
import type { ErrorVocabulary } from './json-protocol/errors.ts';

/** An error the endpoint returns AWS-shaped: HTTP status, `__type` and `message`, and any headers of its own. */
class AwsError extends Error {
  readonly type: string;
  readonly status: number;
  /** Response headers the service adds to this error (SQS's `x-amzn-query-error`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(type: string, message: string, status = 400, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
    this.headers = headers;
  }
}

interface CallContext {
  /** The service's signing name, e.g. `secretsmanager`. */
  readonly service: string;
  readonly operation: string;
  /** From the request's SigV4 credential scope; any region named there exists. */
  readonly region: string;
  readonly account: string;
  readonly requestId: string;
  /** The caller's access key id, when the request was signed. */
  readonly accessKeyId: string | undefined;
  readonly sourceIp: string;
  readonly userAgent: string;
}

type OperationHandler = (input: Record<string, unknown>, ctx: CallContext) => unknown;

interface JsonService {
  /** The part of X-Amz-Target before the dot, e.g. `secretsmanager` or `AWSStepFunctions`. */
  readonly targetPrefix: string;
  readonly signingName: string;
  readonly contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /** How the service words the errors every JSON service has (unreadable body…); Coral's by default. */
  readonly errors?: ErrorVocabulary;
  /** Body size and nesting the service accepts; json-protocol/body.ts's defaults otherwise. */
  readonly limits?: JsonLimits;
}

const LOCAL_ACCOUNT = '000000000000';
const DEFAULT_REGION = 'us-east-1';

export type { CallContext, JsonService, OperationHandler };
export { AwsError, DEFAULT_REGION, LOCAL_ACCOUNT };

// Lambda's Invoke API (REST-JSON, `POST /2015-03-31/functions/{name}/invocations`), so SDK clients and the AWS CLI
// can invoke the local functions: `aws lambda invoke --function-name smcp-local-dispatch --endpoint-url …`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '../json-protocol/body.ts';
import { FunctionNotFoundError, type LambdaRuntime } from './runtime.ts';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
// Lambda's request payload quota for an invocation (6 MiB + 100 bytes, as its error message says).
const MAX_PAYLOAD_BYTES = 6_291_456;

/** Lambda's error body (`Type`, `message`) and its type in `X-Amzn-ErrorType`. */
const userError = (res: ServerResponse, status: number, type: string, message: string) =>
  reply(res, status, JSON.stringify({ Type: 'User', message }), { 'x-amzn-errortype': type });

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

const reply = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};

const createInvokeRoute =
  (lambda: LambdaRuntime, track: (work: Promise<unknown>) => void) =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const match = req.method === 'POST' ? INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://local').pathname) : null;
    if (!match) return false;
    const name = decode(match[1] ?? '');
    if (name === undefined) {
      userError(res, 400, 'ValidationException', 'The function name in the path is not validly percent-encoded');
      return true;
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      userError(
        res,
        400,
        'ValidationException',
        `1 validation error detected: Value '${type.slice(0, 64)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
      );
      return true;
    }
    if (body.length > MAX_PAYLOAD_BYTES) {
      userError(
        res,
        413,
        'RequestEntityTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
      return true;
    }
    try {
      lambda.resolve(name);
    } catch (error) {
      if (!(error instanceof FunctionNotFoundError)) throw error;
      const message = `Function not found: ${name}`;
      reply(res, 404, JSON.stringify({ Type: 'User', Message: message, message }), {
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      return true;
    }
    // Within the endpoint's nesting limit: the payload is copied as JSON on its way in, by recursive code.
    const parsed = body.length === 0 ? { ok: true as const, value: {} } : parseJson(body.toString('utf8'));
    if (!parsed.ok) {
      userError(
        res,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: payload ${parsed.problem}`,
      );
      return true;
    }
    const payload = parsed.value;
    if (type === 'DryRun') {
      reply(res, 204, '');
      return true;
    }
    if (type === 'Event') {
      // Asynchronous invocation: accepted now, run in the background like Lambda's internal queue.
      track(lambda.invoke(name, payload).catch(() => undefined));
      reply(res, 202, '');
      return true;
    }
    try {
      const result = await lambda.invoke(name, payload);
      reply(res, 200, JSON.stringify(result ?? null), { 'x-amz-executed-version': '$LATEST' });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // A handler error is a 200 with X-Amz-Function-Error, as Lambda answers; the message is the handler's own.
      reply(res, 200, JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] }), {
        'x-amz-function-error': 'Unhandled',
        'x-amz-executed-version': '$LATEST',
      });
    }
    return true;
  };

export { createInvokeRoute };

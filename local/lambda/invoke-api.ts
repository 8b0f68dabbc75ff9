// Lambda's Invoke API (REST-JSON, `POST /2015-03-31/functions/{name}/invocations`), so SDK clients and the AWS CLI
// can invoke the local functions: `aws lambda invoke --function-name smcp-local-dispatch --endpoint-url …`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FunctionNotFoundError, type LambdaRuntime } from './runtime.ts';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

const reply = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};

const createInvokeRoute =
  (lambda: LambdaRuntime, track: (work: Promise<unknown>) => void) =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const match = req.method === 'POST' ? INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://local').pathname) : null;
    if (!match) return false;
    const name = decodeURIComponent(match[1] ?? '');
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
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
    let payload: unknown;
    try {
      payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      const message = 'Could not parse request body into json';
      reply(res, 400, JSON.stringify({ Type: 'User', message }), {
        'x-amzn-errortype': 'InvalidRequestContentException',
      });
      return true;
    }
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

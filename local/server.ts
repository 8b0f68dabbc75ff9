// One AWS-compatible HTTP endpoint on loopback: routes JSON-protocol requests by X-Amz-Target to the emulators.
// It listens first and serves once told what to serve, so the services can be built knowing the endpoint's URL (their
// queue URLs name it) and no request is handled before everything behind it exists.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestBody } from './json-protocol/body.ts';
import { coralErrors } from './json-protocol/errors.ts';
import { randomId } from './json-protocol/uuid.ts';
import {
  AwsError,
  type CallContext,
  DEFAULT_REGION,
  type JsonService,
  LOCAL_ACCOUNT,
  type OperationHandler,
} from './protocol.ts';

// DynamoDB's own limit (BatchWriteItem); each JSON service applies its smaller one (json-protocol/body.ts).
const MAX_BODY_BYTES = 16 * 1024 * 1024;
// `Credential=AKID/20240101/us-east-1/secretsmanager/aws4_request`
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;
const CORAL = coralErrors();

interface EndpointOptions {
  readonly services: readonly JsonService[];
  /** Extra routes (DynamoDB, console pages, approval callbacks) tried before the AWS dispatch; return false to pass. */
  readonly routes?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> | boolean;
  /**
   * A route that takes a request before its body is read, and reads it itself (S3: an object may be larger than any
   * body the endpoint reads for the other routes); true when it took the request. Asked first, so it must decline
   * everything else at a glance (a JSON service's request by its X-Amz-Target).
   */
  readonly bodyRoute?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** Called before each AWS operation; throw an AwsError to inject a fault. */
  readonly beforeOperation?: ((ctx: CallContext) => Promise<void> | void) | undefined;
}

interface Endpoint {
  readonly url: string;
  readonly server: Server;
  /** Starts answering; requests that arrived since the endpoint listened are answered now. Once only. */
  serve(options: EndpointOptions): void;
  close(): Promise<void>;
}

const parseScope = (authorization: string | undefined) => {
  const match = authorization ? CREDENTIAL_SCOPE.exec(authorization) : null;
  return match
    ? { accessKeyId: match[1], region: match[2] ?? DEFAULT_REGION }
    : { accessKeyId: undefined, region: DEFAULT_REGION };
};

const EMPTY = Buffer.alloc(0);

/**
 * The whole body, or a SerializationException once it is known to be too large. An oversized body is still read to
 * its end (and dropped) so the client gets the answer instead of a reset connection. A callback rather than a promise:
 * the answer then goes in the same turn as the body's end, without a hop through the microtask queue.
 */
const readBody = (req: IncomingMessage, done: (error: unknown, body: Buffer) => void): void => {
  // Most bodies arrive in one chunk, which is then the body itself: nothing is copied.
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const settle = (error: unknown, body: Buffer) => {
    if (settled) return;
    settled = true;
    done(error, body);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return;
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) {
      settle(CORAL.serialization(`Request body of ${size} bytes exceeds the ${MAX_BODY_BYTES} bytes accepted`), EMPTY);
    } else {
      settle(undefined, chunks ? Buffer.concat(chunks) : (first ?? EMPTY));
    }
  });
  req.on('error', (error) => settle(error, EMPTY));
};

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';

const send = (res: ServerResponse, status: number, contentType: string, payload: unknown, requestId: string) => {
  const body = JSON.stringify(payload ?? {});
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
};

const sendError = (res: ServerResponse, contentType: string, error: AwsError, requestId: string) => {
  res.setHeader('x-amzn-errortype', error.type);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  send(
    res,
    error.status,
    contentType,
    { __type: error.type, message: error.message, Message: error.message },
    requestId,
  );
};

type Handle = (req: IncomingMessage, res: ServerResponse) => void;

/** A request that could not be answered at all (its socket went mid-write): it must not take the process down. */
const unanswerable = (res: ServerResponse, error: unknown) => {
  console.error(`[local] could not answer a request: ${(error as Error)?.name ?? typeof error}`);
  res.destroy();
};

/**
 * Answers a request. Synchronous as far as it can be: a request whose route and operation answer at once is answered in
 * the turn its body ends; only what returns a promise (an async route, a fault hook, a durable write) is awaited.
 * Every error is answered AWS-shaped; a failure of the answer itself ends the connection.
 */
const createHandler = (options: EndpointOptions): Handle => {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  const { routes, beforeOperation, bodyRoute } = options;

  interface Target {
    readonly service: JsonService;
    readonly operationName: string;
  }
  // X-Amz-Target → the service and operation name it splits into, kept for targets that named an operation when first
  // seen (a bounded set: no request can grow it). The operation itself is looked up per call: tests wrap them.
  const targets = new Map<string, Target>();
  /** The service and operation name of a target; throws for an unknown service. */
  const targetOf = (target: string): Target => {
    const known = targets.get(target);
    if (known) return known;
    const dot = target.lastIndexOf('.');
    const service = byPrefix.get(target.slice(0, dot));
    const operationName = target.slice(dot + 1);
    if (!service) throw new AwsError('UnknownOperationException', `Unknown service target ${target}`);
    const found = { service, operationName };
    if (Object.hasOwn(service.operations, operationName)) targets.set(target, found);
    return found;
  };
  const operationOf = (service: JsonService, name: string): OperationHandler | undefined =>
    Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;

  /** Answers an error; throws only when the answer cannot be written. */
  const fail = (req: IncomingMessage, res: ServerResponse, contentType: string, error: unknown, requestId: string) => {
    if (res.headersSent) return;
    const awsError =
      error instanceof AwsError
        ? error
        : new AwsError('InternalServiceError', 'The local cloud failed to handle the request', 500);
    if (!(error instanceof AwsError)) {
      // A bug in an emulator. Its message may quote request data (a secret value, even), so only the error's name
      // and where it was thrown are logged.
      const where = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).join('\n') : '';
      console.error(
        `[local] internal error in ${String(req.headers['x-amz-target'] ?? req.url)}: ${(error as Error)?.name}\n${where}`,
      );
    }
    sendError(res, contentType, awsError, requestId);
  };

  /** The AWS JSON dispatch: by X-Amz-Target to a service's operation. */
  const dispatch = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    requestId: string,
  ): Promise<void> | undefined => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || typeof target !== 'string') {
      throw new AwsError(
        'UnknownOperationException',
        'Missing X-Amz-Target: only AWS JSON protocol requests are served',
      );
    }
    const { service, operationName } = targetOf(target);
    const { contentType } = service;
    // The callbacks of an answer that has to wait: only made when one does.
    const later = () => ({
      answered: (output: unknown) => send(res, 200, contentType, output, requestId),
      failed: (error: unknown) => fail(req, res, contentType, error, requestId),
    });
    try {
      const operation = operationOf(service, operationName);
      if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${operationName}`);
      const input = readRequestBody(body, service.errors ?? CORAL, service.limits);
      const scope = parseScope(req.headers.authorization);
      const ctx: CallContext = {
        service: service.signingName,
        operation: operationName,
        region: scope.region,
        account: LOCAL_ACCOUNT,
        requestId,
        accessKeyId: scope.accessKeyId,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(req.headers['user-agent'] ?? ''),
      };
      const before = beforeOperation?.(ctx);
      if (isPromise(before)) {
        const { answered, failed } = later();
        return Promise.resolve(before)
          .then(() => operation(input, ctx))
          .then(answered)
          .catch(failed);
      }
      const output = operation(input, ctx);
      if (isPromise(output)) {
        const { answered, failed } = later();
        return Promise.resolve(output).then(answered).catch(failed);
      }
      send(res, 200, contentType, output, requestId);
    } catch (error) {
      fail(req, res, contentType, error, requestId);
    }
    return undefined;
  };

  const route = (req: IncomingMessage, res: ServerResponse, body: Buffer, requestId: string) => {
    // A request target no URL parser reads (`GET http://%zz`) reaches no route: every route parses the URL.
    if (req.url !== '/' && !URL.canParse(req.url ?? '/', 'http://local')) {
      throw new AwsError('UnknownOperationException', 'The request target is not a valid URL');
    }
    const routed = routes?.(req, res, body);
    if (isPromise(routed)) {
      return Promise.resolve(routed).then((taken) => (taken ? undefined : dispatch(req, res, body, requestId)));
    }
    return routed ? undefined : dispatch(req, res, body, requestId);
  };

  return (req, res) => {
    if (bodyRoute?.(req, res)) return;
    const requestId = randomId();
    // Errors before a service is known are answered in JSON 1.1.
    const failed = (error: unknown) => fail(req, res, 'application/x-amz-json-1.1', error, requestId);
    readBody(req, (error, body) => {
      try {
        if (error !== undefined) throw error;
        route(req, res, body, requestId)
          ?.catch(failed)
          .catch((thrown: unknown) => unanswerable(res, thrown));
      } catch (thrown) {
        try {
          failed(thrown);
        } catch (again) {
          unanswerable(res, again);
        }
      }
    });
  };
};

/** Listens on loopback; requests wait until serve() says how to answer them. */
const openEndpoint = async ({ port, host }: { port: number; host?: string }): Promise<Endpoint> => {
  // Requests that arrive before serve() wait for it here, in order; from then on each is handled as it comes.
  let handle: Handle | undefined;
  let waiting: [IncomingMessage, ServerResponse][] = [];
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else waiting.push([req, res]);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    serve: (options) => {
      if (handle) throw new Error('The endpoint is already serving');
      const serving = createHandler(options);
      handle = serving;
      const early = waiting;
      waiting = [];
      for (const [req, res] of early) serving(req, res);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Listens and serves at once: an endpoint for services that do not need its URL (the emulators' harnesses). */
const startEndpoint = async (options: EndpointOptions & { port: number; host?: string }): Promise<Endpoint> => {
  const endpoint = await openEndpoint(options);
  endpoint.serve(options);
  return endpoint;
};

export type { Endpoint, EndpointOptions };
export { openEndpoint, startEndpoint };

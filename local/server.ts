// One AWS-compatible HTTP endpoint on loopback: routes JSON-protocol requests by X-Amz-Target to the emulators.
// It listens first and serves once told what to serve, so the services can be built knowing the endpoint's URL (their
// queue URLs name it) and no request is handled before everything behind it exists.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestBody } from './json-protocol/body.ts';
import { coralErrors } from './json-protocol/errors.ts';
import { AwsError, type CallContext, DEFAULT_REGION, type JsonService, LOCAL_ACCOUNT } from './protocol.ts';

// DynamoDB's own limit (BatchWriteItem); each JSON service applies its smaller one (json-protocol/body.ts).
const MAX_BODY_BYTES = 16 * 1024 * 1024;
// `Credential=AKID/20240101/us-east-1/secretsmanager/aws4_request`
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;
const CORAL = coralErrors();

interface EndpointOptions {
  readonly services: readonly JsonService[];
  /** Extra routes (DynamoDB, console pages, approval callbacks) tried before the AWS dispatch; return false to pass. */
  readonly routes?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> | boolean;
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

/**
 * The whole body, or a SerializationException once it is known to be too large. An oversized body is still read to
 * its end (and dropped) so the client gets the answer instead of a reset connection.
 */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(CORAL.serialization(`Request body of ${size} bytes exceeds the ${MAX_BODY_BYTES} bytes accepted`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });

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

const createHandler = (options: EndpointOptions) => {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));

  return async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    let contentType = 'application/x-amz-json-1.1';
    try {
      const body = await readBody(req);
      // A request target no URL parser reads (`GET http://%zz`) reaches no route: every route parses the URL.
      if (!URL.canParse(req.url ?? '/', 'http://local')) {
        throw new AwsError('UnknownOperationException', 'The request target is not a valid URL');
      }
      if (options.routes && (await options.routes(req, res, body))) return;
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string') {
        throw new AwsError(
          'UnknownOperationException',
          'Missing X-Amz-Target: only AWS JSON protocol requests are served',
        );
      }
      const dot = target.lastIndexOf('.');
      const service = byPrefix.get(target.slice(0, dot));
      const operationName = target.slice(dot + 1);
      if (!service) throw new AwsError('UnknownOperationException', `Unknown service target ${target}`);
      contentType = service.contentType;
      const operation = Object.hasOwn(service.operations, operationName)
        ? service.operations[operationName]
        : undefined;
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
      await options.beforeOperation?.(ctx);
      const output = await operation(input, ctx);
      send(res, 200, contentType, output, requestId);
    } catch (error) {
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
    }
  };
};

/** Listens on loopback; requests wait until serve() says how to answer them. */
const openEndpoint = async ({ port, host }: { port: number; host?: string }): Promise<Endpoint> => {
  const { promise: served, resolve: start } = Promise.withResolvers<ReturnType<typeof createHandler>>();
  let serving = false;
  const server = createServer((req, res) => {
    // The handler answers every error itself; this catches a failure of the answer (a socket gone mid-write), so a
    // request can never become a rejection nobody handles.
    served
      .then((handle) => handle(req, res))
      .catch((error: unknown) => {
        console.error(`[local] could not answer a request: ${(error as Error)?.name ?? typeof error}`);
        res.destroy();
      });
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
      if (serving) throw new Error('The endpoint is already serving');
      serving = true;
      start(createHandler(options));
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

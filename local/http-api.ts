// The service's HTTP API (functions' `events: - httpApi: { method, path }`) on the local endpoint: a matching request
// becomes an API Gateway HTTP API payload v2.0 event, the function runs through the local Lambda runtime, and its
// `{ statusCode, headers, body }` goes back on the wire, as API Gateway's Lambda proxy integration does.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT } from './protocol.ts';
import type { HttpApiRoute } from './stack/build.ts';

interface HttpApiOptions {
  readonly routes: readonly HttpApiRoute[];
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  readonly now: () => Date;
}

interface HttpApiEventV2 {
  readonly version: '2.0';
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly requestContext: {
    readonly accountId: string;
    readonly apiId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    readonly requestId: string;
    readonly routeKey: string;
    readonly stage: string;
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

const API_ID = 'local';
// API Gateway passes these content types as text; every other body (form posts included) arrives base64-encoded, so
// handlers must decode `isBase64Encoded` bodies locally exactly as they must in AWS.
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|javascript)\b)/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A path segment decoded, or undefined when its percent-encoding is broken (that path matches no route). */
const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** `{name}` matches one segment, `{name+}` the rest of the path. Undefined when the path does not match. */
const matchPath = (template: string, path: string): Record<string, string> | undefined => {
  const want = template.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy?.[1]) {
      const rest = got.slice(i).join('/');
      const decoded = decode(rest);
      if (rest === '' || decoded === undefined) return undefined;
      params[greedy[1]] = decoded;
      return params;
    }
    const segment = got[i];
    if (segment === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) {
      const decoded = decode(segment);
      if (segment === '' || decoded === undefined) return undefined;
      params[param[1]] = decoded;
    } else if (part !== segment) return undefined;
  }
  return got.length === want.length ? params : undefined;
};

// API Gateway joins repeated headers and query parameters with commas, and lower-cases header names.
const joinHeaders = (rawHeaders: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
};

const joinQuery = (query: URLSearchParams): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [name, value] of query) params[name] = name in params ? `${params[name]},${value}` : value;
  return Object.keys(params).length ? params : undefined;
};

const clfTime = (at: Date): string => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(
    at.getUTCMinutes(),
  )}:${pad(at.getUTCSeconds())} +0000`;
};

const toEvent = (
  req: IncomingMessage,
  body: Buffer,
  route: HttpApiRoute,
  pathParameters: Record<string, string>,
  now: Date,
): HttpApiEventV2 => {
  const target = req.url ?? '/';
  const query = target.indexOf('?');
  const rawPath = query === -1 ? target : target.slice(0, query);
  const rawQueryString = query === -1 ? '' : target.slice(query + 1);
  const { cookie, ...headers } = joinHeaders(req.rawHeaders);
  const queryStringParameters = joinQuery(new URLSearchParams(rawQueryString));
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const host = headers.host ?? '127.0.0.1';
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: API_ID,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
};

const write = (res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer) => {
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
};

/** Payload format 2.0 responses: `{ statusCode, headers, cookies, body, isBase64Encoded }`, or any JSON value as 200. */
const writeResult = (res: ServerResponse, result: unknown) => {
  const shaped = result as { statusCode?: unknown } | null;
  if (shaped === null || typeof shaped !== 'object' || typeof shaped.statusCode !== 'number') {
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    write(res, 200, { 'content-type': 'application/json' }, Buffer.from(text, 'utf8'));
    return;
  }
  const out = result as {
    statusCode: number;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((out.headers ?? {}) as Record<string, unknown>)) {
    headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(out.cookies) && out.cookies.length) headers['set-cookie'] = out.cookies.map(String);
  const text = typeof out.body === 'string' ? out.body : '';
  write(res, out.statusCode, headers, Buffer.from(text, out.isBase64Encoded === true ? 'base64' : 'utf8'));
};

const createHttpApiRoutes = ({ routes, invoke, now }: HttpApiOptions) => {
  // API Gateway picks the most specific route: literal paths before parameters, a method before ANY.
  const rank = (r: HttpApiRoute) =>
    (r.path.includes('+}') ? 4 : 0) + (r.path.includes('{') ? 2 : 0) + (r.method === '*' ? 1 : 0);
  const ordered = [...routes].sort((a, b) => rank(a) - rank(b));
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    let matched: { route: HttpApiRoute; params: Record<string, string> } | undefined;
    for (const route of ordered) {
      if (route.method !== method && route.method !== '*') continue;
      const params = matchPath(route.path, path);
      if (params) {
        matched = { route, params };
        break;
      }
    }
    if (!matched) return false;
    const event = toEvent(req, body, matched.route, matched.params, now());
    try {
      writeResult(res, await invoke(matched.route.functionName, event));
    } catch {
      // What API Gateway answers when the integration fails; the error itself stays in the function's logs.
      write(res, 500, { 'content-type': 'application/json' }, Buffer.from('{"message":"Internal Server Error"}'));
    }
    return true;
  };
};

export type { HttpApiEventV2, HttpApiOptions };
export { createHttpApiRoutes };

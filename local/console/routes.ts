// The console's routes on the local endpoint: the page at /console/ (its script and styles beside it), the JSON API
// under /console/api/ and a server-sent event stream, /console/api/changes, that tells open pages to refresh.
//
// Two walls besides escaping in the page: a Content-Security-Policy that allows only the console's own script and
// styles (no inline script, no other origin), and requests are answered only for this endpoint's own host (a DNS
// rebinding page cannot read the API) while the one action, an approval decision, also needs a same-origin request
// with the console's header (a form on another site cannot send it, and a cross-origin fetch with it needs a preflight
// nobody answers).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../cloud/routes.ts';
import { ApiError, type ApiOptions, createApi } from './api.ts';
import { consoleAssets } from './bundle.ts';
import { type ConsoleParts, createSources } from './sources.ts';

interface ConsoleOptions extends Omit<ApiOptions, 'sources' | 'url'> {
  readonly parts: ConsoleParts;
  /** Calls back on every change worth a refresh (an event on the bus, an invocation ending); returns the unsubscribe. */
  readonly onChange: (listener: () => void) => () => void;
}

const PREFIX = '/console';
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
const HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;
// Coalesces a burst of changes (a workflow's steps) into one refresh of the open pages.
const CHANGE_DEBOUNCE_MS = 150;
const HEARTBEAT_MS = 15_000;

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

const createConsoleRoute = (options: ConsoleOptions): { route: Route; close(): void } => {
  const sources = createSources(options.parts);
  const api = createApi({ ...options, sources, url: options.parts.url });
  const own = new URL(options.parts.url);
  const hosts = new Set([own.host, `localhost:${own.port}`, `[::1]:${own.port}`]);

  // Open change streams; each change is announced once the burst is over.
  const streams = new Set<ServerResponse>();
  let pending: NodeJS.Timeout | undefined;
  let sequence = 0;
  const announce = () => {
    if (pending || streams.size === 0) return;
    pending = setTimeout(() => {
      pending = undefined;
      sequence++;
      for (const res of streams) res.write(`event: change\ndata: ${sequence}\n\n`);
    }, CHANGE_DEBOUNCE_MS);
    pending.unref();
  };
  const unsubscribe = options.onChange(announce);
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${sequence}\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };

  /** Same origin, the console's header, a JSON body: what only the console's own page sends. */
  const sameOrigin = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return false;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return false;
    return req.headers['x-smcp-console'] === '1';
  };

  const route: Route = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    if (!hosts.has(String(req.headers.host ?? ''))) {
      send(res, 403, 'text/plain; charset=utf-8', 'The console answers on its own address only.');
      return true;
    }
    const method = req.method ?? 'GET';
    try {
      if (url.pathname === PREFIX) {
        res.writeHead(302, { ...HEADERS, location: `${PREFIX}/` });
        res.end();
      } else if (url.pathname === `${PREFIX}/`) {
        send(res, 200, 'text/html; charset=utf-8', (await consoleAssets()).html);
      } else if (url.pathname === `${PREFIX}/app.js`) {
        send(res, 200, 'text/javascript; charset=utf-8', (await consoleAssets()).js);
      } else if (url.pathname === `${PREFIX}/app.css`) {
        send(res, 200, 'text/css; charset=utf-8', (await consoleAssets()).css);
      } else if (url.pathname === `${PREFIX}/api/changes` && method === 'GET') {
        openStream(req, res);
      } else if (url.pathname.startsWith(`${PREFIX}/api/`)) {
        if (method !== 'GET' && !sameOrigin(req)) throw new ApiError(403, 'Decisions come from the console page only');
        sendJson(res, 200, await api.handle(method, url.pathname.slice(`${PREFIX}/api/`.length), url.searchParams));
      } else {
        send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      }
    } catch (error) {
      if (res.headersSent) return true;
      // Messages are fixed strings of ours; anything else is logged by name only and answered generically.
      if (error instanceof ApiError) sendJson(res, error.status, { error: error.message });
      else {
        console.error(`[console] ${method} ${url.pathname} failed: ${(error as Error)?.name}`);
        sendJson(res, 500, { error: 'The console could not answer' });
      }
    }
    return true;
  };

  return {
    route,
    close: () => {
      unsubscribe();
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
      for (const res of streams) res.end();
      streams.clear();
      sources.close();
    },
  };
};

export type { ConsoleOptions };
export { createConsoleRoute };

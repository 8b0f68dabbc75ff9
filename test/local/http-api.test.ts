// The local HTTP API: functions' `httpApi` events become routes on the local endpoint, requests become API Gateway
// payload format 2.0 events, and the function's result goes back on the wire as API Gateway would send it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApiRoutes, type HttpApiEventV2 } from '../../local/http-api.ts';
import { buildStack } from '../../local/stack/build.ts';
import type { ServiceConfig } from '../../local/stack/service-config.ts';

const NOW = new Date('2026-01-05T09:00:00.000Z');
let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

/** An endpoint serving the routes, the invocations it made, and a 404 for whatever no route takes. */
const serve = async (
  routes: Parameters<typeof createHttpApiRoutes>[0]['routes'],
  result: (event: HttpApiEventV2) => unknown,
) => {
  const invocations: { functionName: string; event: HttpApiEventV2 }[] = [];
  const handle = createHttpApiRoutes({
    routes,
    now: () => NOW,
    invoke: async (functionName, event) => {
      invocations.push({ functionName, event: event as HttpApiEventV2 });
      return result(event as HttpApiEventV2);
    },
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (!(await handle(req, res, Buffer.concat(chunks)))) {
        res.writeHead(404);
        res.end('not an HTTP API route');
      }
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, invocations };
};

const route = (functionName: string, method: string, path: string) => ({
  functionName,
  method,
  path,
  routeKey: `${method === '*' ? 'ANY' : method} ${path}`,
});

describe('local HTTP API', () => {
  it('turns a form post into a payload 2.0 event with the raw body base64-encoded', async () => {
    const { url, invocations } = await serve([route('smcp-local-slack', 'POST', '/approvals/slack')], () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"ok":true}',
    }));

    const response = await fetch(`${url}/approvals/slack?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'X-Slack-Signature': 'v0=abc',
        'user-agent': 'Slackbot 1.0',
      },
      body: 'payload=%7B%7D',
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
    const [invocation] = invocations;
    expect(invocation?.functionName).toBe('smcp-local-slack');
    expect(invocation?.event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /approvals/slack',
      rawPath: '/approvals/slack',
      rawQueryString: 'a=1&a=2&b=x%20y',
      queryStringParameters: { a: '1,2', b: 'x y' },
      headers: { 'x-slack-signature': 'v0=abc', 'content-type': 'application/x-www-form-urlencoded' },
      requestContext: {
        http: { method: 'POST', path: '/approvals/slack', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' },
        routeKey: 'POST /approvals/slack',
        stage: '$default',
        time: '05/Jan/2026:09:00:00 +0000',
        timeEpoch: NOW.getTime(),
      },
      isBase64Encoded: true,
    });
    expect(Buffer.from(invocation?.event.body ?? '', 'base64').toString('utf8')).toBe('payload=%7B%7D');
  });

  it('passes JSON as text, omits an empty body and query, and fills path parameters', async () => {
    const { url, invocations } = await serve(
      [route('items', 'GET', '/items/{id}'), route('create', 'POST', '/items'), route('literal', 'GET', '/items/new')],
      () => ({ statusCode: 204 }),
    );

    await fetch(`${url}/items/a%20b`);
    await fetch(`${url}/items/new`);
    await fetch(`${url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });

    const [byId, literal, created] = invocations.map((i) => i.event);
    expect(byId?.pathParameters).toEqual({ id: 'a b' });
    expect(byId && 'body' in byId).toBe(false);
    expect(byId && 'queryStringParameters' in byId).toBe(false);
    expect(byId?.isBase64Encoded).toBe(false);
    expect(invocations[1]?.functionName).toBe('literal');
    expect(literal?.routeKey).toBe('GET /items/new');
    expect(created).toMatchObject({ body: '{"x":1}', isBase64Encoded: false });
  });

  it('writes results as API Gateway does: plain values as JSON, base64 bodies decoded, failures as 500', async () => {
    const results: Record<string, unknown> = {
      '/plain': { hello: 'world' },
      '/binary': {
        statusCode: 201,
        headers: { 'x-kind': 'bytes' },
        body: Buffer.from('raw bytes').toString('base64'),
        isBase64Encoded: true,
      },
      '/html': { statusCode: 403, headers: { 'content-type': 'text/html' }, body: '<p>no</p>' },
    };
    const { url } = await serve([route('fn', '*', '/{path+}')], (event) => {
      if (event.rawPath === '/boom') throw new Error('handler failed with a detail that must not leak');
      return results[event.rawPath];
    });

    const plain = await fetch(`${url}/plain`);
    const binary = await fetch(`${url}/binary`, { method: 'PUT' });
    const html = await fetch(`${url}/html`);
    const boom = await fetch(`${url}/boom`);

    expect([plain.status, await plain.json()]).toEqual([200, { hello: 'world' }]);
    expect([binary.status, binary.headers.get('x-kind'), await binary.text()]).toEqual([201, 'bytes', 'raw bytes']);
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([403, 'text/html', '<p>no</p>']);
    expect([boom.status, await boom.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  it('leaves requests no route matches to the rest of the endpoint', async () => {
    const { url, invocations } = await serve([route('fn', 'POST', '/approvals/slack')], () => ({ statusCode: 200 }));

    const wrongMethod = await fetch(`${url}/approvals/slack`);
    const otherPath = await fetch(`${url}/`, { method: 'POST', body: 'Action=Publish' });

    expect([wrongMethod.status, otherPath.status]).toEqual([404, 404]);
    expect(invocations).toHaveLength(0);
  });
});

describe('HTTP API routes from serverless.yml', () => {
  it('collects both httpApi spellings and skips the catch-all', () => {
    const config: ServiceConfig = {
      service: 'smcp',
      provider: { stage: 'local', region: 'us-east-1' },
      functions: {
        link: {
          name: 'smcp-local-link',
          handler: 'functions/x.handler',
          events: [{ httpApi: { method: 'get', path: '/approvals/link' } }, { httpApi: 'POST /approvals/link' }],
        },
        fallback: { name: 'smcp-local-fallback', handler: 'functions/y.handler', events: [{ httpApi: '*' }] },
      },
    };

    const stack = buildStack(config, { region: 'us-east-1', account: '000000000000' }, 'http://127.0.0.1:4566');

    expect(stack.httpApiRoutes).toEqual([
      { functionName: 'smcp-local-link', method: 'GET', path: '/approvals/link', routeKey: 'GET /approvals/link' },
      { functionName: 'smcp-local-link', method: 'POST', path: '/approvals/link', routeKey: 'POST /approvals/link' },
    ]);
  });
});

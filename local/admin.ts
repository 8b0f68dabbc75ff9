// Local-only HTTP routes under /_smcp/ that AWS has no API for: put recorded events on the bus verbatim (their ids
// kept, so duplicate deliveries can be replayed), settle, fire a schedule. `smcp replay --endpoint` uses them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalCloud } from './cloud.ts';
import type { BusEvent } from './eventbridge/bus.ts';
import { settle } from './settle.ts';

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const createAdminRoutes =
  (cloud: LocalCloud) =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/_smcp/')) return false;
    let input: Record<string, unknown> = {};
    try {
      input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      json(res, 400, { error: 'Body is not valid JSON' });
      return true;
    }
    try {
      if (req.method === 'GET' && url.pathname === '/_smcp/health') {
        json(res, 200, { ok: true, now: cloud.clock.now().toISOString(), rules: cloud.bus?.rules().length });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/events') {
        const events = input.events;
        if (!Array.isArray(events)) throw new Error('events must be an array of EventBridge events');
        const matched = events.map((event) => cloud.bus?.publish(event as BusEvent) ?? 0);
        json(res, 200, { published: events.length, matched });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/settle') {
        const since = typeof input.since === 'string' ? new Date(input.since) : undefined;
        const timeoutMs = typeof input.timeoutMs === 'number' ? input.timeoutMs : 60_000;
        json(res, 200, { executions: await settle(cloud, { ...(since ? { since } : {}), timeoutMs }) });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/schedules/fire') {
        json(res, 200, { event: cloud.bus?.fireSchedule(String(input.rule)) });
      } else {
        json(res, 404, { error: `No local route ${req.method} ${url.pathname}` });
      }
    } catch (error) {
      json(res, 400, { error: (error as Error).message });
    }
    return true;
  };

export { createAdminRoutes };

// Local-only HTTP routes under /_smcp/ that AWS has no API for: put recorded events on the bus verbatim (their ids
// kept, so duplicate deliveries can be replayed), read back what the bus saw, write the trails' pending log files now,
// list executions, settle, fire a schedule, move the clock forward, backdate a secret's dates. The replay engine's remote target (`smcp replay --endpoint`) uses
// them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAdvanceable } from './clock.ts';
import { readAdvance } from './clock-route.ts';
import { type BusEvent, checkEvent, type EventBus } from './eventbridge/bus.ts';
import { isObject, parseJson } from './json-protocol/body.ts';
import type { SecretsManagerEmulator } from './secretsmanager/index.ts';
import { type Settleable, settle } from './settle.ts';

interface AdminParts extends Settleable {
  readonly bus: Pick<EventBus, 'publish' | 'fireSchedule' | 'rules' | 'stats' | 'eventsSince'>;
  readonly secretsmanager: Pick<SecretsManagerEmulator, 'tick' | 'backdate'>;
  /** The faults SMCP_FAULTS injected so far (reliability runs count them). */
  readonly faults?: { injected(): { throttle: number; serverError: number } };
  /** Resolves once every change so far is on disk: events published here answer once their deliveries are kept. */
  readonly flush?: () => Promise<void>;
  /** The local CloudTrail: its pending log files written on demand (a replay's recorded file becomes one). */
  readonly cloudTrail?: { deliver(): Promise<string[]> };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const createAdminRoutes =
  (cloud: AdminParts) =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/_smcp/')) return false;
    const parsed = body.length ? parseJson(body.toString('utf8')) : { ok: true as const, value: {} };
    if (!parsed.ok || !isObject(parsed.value)) {
      json(res, 400, { error: `Body ${parsed.ok ? 'must be a JSON object' : parsed.problem}` });
      return true;
    }
    const input = parsed.value;
    try {
      if (req.method === 'GET' && url.pathname === '/_smcp/health') {
        json(res, 200, {
          ok: true,
          now: cloud.clock.now().toISOString(),
          rules: cloud.bus.rules().length,
          events: cloud.bus.stats().events,
          ...(cloud.faults ? { faults: cloud.faults.injected() } : {}),
        });
      } else if (req.method === 'GET' && url.pathname === '/_smcp/executions') {
        const executions = cloud.stepfunctions.executions().map(({ executionArn, name, status }) => ({
          executionArn,
          name,
          status,
        }));
        json(res, 200, { executions });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/events') {
        const events = input.events;
        if (!Array.isArray(events)) throw new Error('events must be an array of EventBridge events');
        // Every event is checked before the first is published: a bad one in the list publishes none.
        events.forEach((event, i) => {
          try {
            checkEvent(event as BusEvent);
          } catch (error) {
            throw new Error(`events[${i}]: ${(error as Error).message}`);
          }
        });
        const matched = events.map((event) => cloud.bus.publish(event as BusEvent));
        await cloud.flush?.();
        json(res, 200, { published: events.length, matched });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/events/since') {
        if (typeof input.count !== 'number')
          throw new Error('count must be the number of events /_smcp/health reported');
        json(res, 200, { events: cloud.bus.eventsSince(input.count) });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/trail/deliver') {
        json(res, 200, { keys: (await cloud.cloudTrail?.deliver()) ?? [] });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/settle') {
        const since = typeof input.since === 'string' ? new Date(input.since) : undefined;
        const timeoutMs = typeof input.timeoutMs === 'number' ? input.timeoutMs : 60_000;
        json(res, 200, { executions: await settle(cloud, { ...(since ? { since } : {}), timeoutMs }) });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/schedules/fire') {
        json(res, 200, { event: cloud.bus.fireSchedule(String(input.rule)) });
      } else if (req.method === 'GET' && url.pathname === '/_smcp/clock') {
        json(res, 200, { now: cloud.clock.now().toISOString() });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/clock') {
        const seconds = readAdvance(input);
        const { clock } = cloud;
        if (!isAdvanceable(clock)) throw new Error('This local cloud runs on a clock that cannot be moved');
        // Each timer that comes due fires at its own instant, and what it starts settles before the next one fires.
        await clock.advance(seconds * 1000, () => cloud.whenIdle());
        // Recovery windows that ended are purged now, not on the next call.
        cloud.secretsmanager.tick();
        json(res, 200, { now: clock.now().toISOString(), advancedSeconds: seconds });
      } else if (req.method === 'POST' && url.pathname === '/_smcp/secrets/backdate') {
        json(res, 200, cloud.secretsmanager.backdate(input));
      } else {
        json(res, 404, { error: `No local route ${req.method} ${url.pathname}` });
      }
    } catch (error) {
      json(res, 400, { error: (error as Error).message });
    }
    return true;
  };

export { createAdminRoutes };

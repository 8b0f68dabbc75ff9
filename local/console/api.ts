// The console's JSON API under /console/api/: what the pages show, built from the sources (sources.ts) and the pure
// views (graph.ts, band.ts, the read-cost report), and the one action, an approval decision, which goes through the
// `approve` function exactly as `smcp approve` sends it. Nothing here returns a secret value or a task token; every
// answer also passes `scrubbed()`, a second wall that drops members named like secret material wherever they are.

import { detectorParamsFrom } from '../../functions/reads/domain/detect-window.ts';
import { COUNTER_RETENTION_SECONDS } from '../../functions/reads/domain/keys.ts';
import {
  buildReadCostReport,
  defaultReadCostParams,
  type ReadCostParams,
  readCostParamsFrom,
  reportWindow,
} from '../../functions/reads/domain/read-cost.ts';
import { callerIdentity } from '../../scripts/cli/caller.ts';
import type { BusEvent } from '../eventbridge/bus.ts';
import { bandOf } from './band.ts';
import { executionView } from './graph.ts';
import type { ExecutionRow, SecretView, Sources } from './sources.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const EVENT_LIMIT = 500;

// Members that hold secret material or a credential to act (a task token completes a task), in any spelling AWS uses.
const SECRET_MEMBERS = new Set([
  'secretstring',
  'secretbinary',
  'randompassword',
  'tasktoken',
  'password',
  'secretaccesskey',
  'sessiontoken',
]);

/** A deep copy without members named like secret material. */
const scrubbed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scrubbed);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (SECRET_MEMBERS.has(key.toLowerCase())) continue;
    out[key] = scrubbed(member);
  }
  return out;
};

class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

interface ApiOptions {
  readonly sources: Sources;
  readonly url: string;
  readonly operator: string;
  readonly stage: string;
  readonly region: string;
  /** The stage's params (readsPricePer10k, readsUncachedPerHour, …). */
  readonly stageParams?: Readonly<Record<string, unknown>>;
  /** The functions' merged environment (READ_DETECTOR_PARAMS, …). */
  readonly environment: Readonly<Record<string, string>>;
  /** The deployed name of the `approve` function. */
  readonly approveFunction: string | undefined;
}

const detailOf = (event: BusEvent) => (event.detail ?? {}) as Record<string, unknown>;

const refersTo = (secret: SecretView, id: unknown) =>
  typeof id === 'string' && (id === secret.name || id === secret.arn);

// The CloudTrail calls that change a secret's versions or labels.
const VERSION_CALLS = new Set([
  'CreateSecret',
  'PutSecretValue',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'RotateSecret',
  'DeleteSecret',
  'RestoreSecret',
]);

/** The secret's versions and labels over time, from the audit trail the bus keeps (CloudTrail and label events). */
const labelHistoryOf = (secret: SecretView, events: readonly BusEvent[]) =>
  events.flatMap((event) => {
    const detail = detailOf(event);
    if (event['detail-type'] === 'Secret Label Updated' && event.resources.includes(secret.arn)) {
      return [
        {
          time: event.time,
          change: `${String(detail.labelUpdated)} moved`,
          versionId: String(detail.versionId ?? ''),
          by: 'secretsmanager',
        },
      ];
    }
    if (event['detail-type'] !== 'AWS API Call via CloudTrail' || detail.errorCode) return [];
    const name = String(detail.eventName ?? '');
    if (!VERSION_CALLS.has(name)) return [];
    const params = (detail.requestParameters ?? {}) as Record<string, unknown>;
    if (!refersTo(secret, params.secretId) && !refersTo(secret, params.name)) return [];
    const by = String((detail.userIdentity as { arn?: unknown } | undefined)?.arn ?? '');
    const labels = Array.isArray(params.versionStages) ? params.versionStages.join(', ') : '';
    const change =
      name === 'UpdateSecretVersionStage'
        ? `${String(params.versionStage)}: ${params.removeFromVersionId ? `from ${String(params.removeFromVersionId)} ` : ''}${params.moveToVersionId ? `to ${String(params.moveToVersionId)}` : 'removed'}`
        : `${name}${labels ? ` (${labels})` : ''}`;
    return [
      {
        time: event.time,
        change,
        versionId: String(params.moveToVersionId ?? params.clientRequestToken ?? ''),
        by,
      },
    ];
  });

const createApi = (options: ApiOptions) => {
  const { sources } = options;
  const readCost: ReadCostParams = (() => {
    const parsed = readCostParamsFrom(options.stageParams ?? {});
    return parsed.ok ? parsed.value : defaultReadCostParams;
  })();
  const detectorParams = (() => {
    try {
      return detectorParamsFrom(options.environment.READ_DETECTOR_PARAMS);
    } catch {
      return detectorParamsFrom(undefined);
    }
  })();

  const executionsOf = (secret: SecretView): ExecutionRow[] =>
    sources.executions().filter((e) => refersTo(secret, e.secretId));

  /** The detector's alerts about a secret: its `Read Spike Detected` events, and the responses they started. */
  const alertsOf = (secretArn: string) => {
    const alerts = new Map<string, { windowStart: string; observed: number; expected: number; score: number }>();
    const add = (detail: Record<string, unknown>) => {
      if (detail.secretId !== secretArn || typeof detail.windowStart !== 'string') return;
      alerts.set(detail.windowStart, {
        windowStart: detail.windowStart,
        observed: Number(detail.observed ?? 0),
        expected: Number(detail.expected ?? 0),
        score: Number(detail.score ?? 0),
      });
    };
    for (const event of sources.events()) {
      if (event.source === 'smcp' && event['detail-type'] === 'Read Spike Detected') add(detailOf(event));
    }
    for (const row of sources.executions()) {
      if (row.workflow !== 'read-anomaly-response' || row.secretId !== secretArn) continue;
      const detail = (sources.execution(row.executionArn)?.history[0]?.executionStartedEventDetails ?? {}) as {
        input?: string;
      };
      try {
        add((JSON.parse(detail.input ?? '{}') as { detail?: Record<string, unknown> }).detail ?? {});
      } catch {
        // An input that is not JSON names no alert.
      }
    }
    return [...alerts.values()].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
  };

  const readsOf = async (secretArn: string, hours: number) => {
    if (!sources.counters) return { secretArn, points: [], alerts: [] };
    const now = sources.now().getTime();
    const to = Math.floor(now / MINUTE) * MINUTE;
    const shownFrom = to - hours * HOUR;
    // A day before the chart, as the detector catches up at most a day of silence: enough for its warm-up.
    const counts = await sources.counters.bucketCounts(secretArn, shownFrom - DAY, to);
    const first = Math.min(shownFrom, ...counts.keys());
    const points = bandOf(counts, first, shownFrom, to, detectorParams);
    return { secretArn, points, alerts: alertsOf(secretArn) };
  };

  const readsOverview = async (sinceMs: number) => {
    if (!sources.counters) return { cost: undefined };
    const now = sources.now().getTime();
    const window = reportWindow(now - sinceMs, now, COUNTER_RETENTION_SECONDS * 1000);
    const usage = await sources.counters.usage(window.from, window.to);
    return { cost: buildReadCostReport(usage, window, readCost) };
  };

  const eventsView = (query: URLSearchParams) => {
    const all = [...sources.events()].reverse();
    const source = query.get('source') ?? '';
    const detailType = query.get('detailType') ?? '';
    const matching = all.filter(
      (e) => (!source || e.source === source) && (!detailType || e['detail-type'] === detailType),
    );
    return {
      sources: [...new Set(all.map((e) => e.source))].sort(),
      detailTypes: [...new Set(all.map((e) => e['detail-type']))].sort(),
      total: matching.length,
      events: matching.slice(0, EVENT_LIMIT),
    };
  };

  /** Through the `approve` function on this endpoint, as `smcp approve` sends it: the operator decides. */
  const decide = async (approvalId: string, decision: 'approve' | 'reject') => {
    if (!options.approveFunction) throw new ApiError(500, 'serverless.yml declares no approve function');
    const caller = await callerIdentity(options.url);
    const response = await fetch(`${options.url}/2015-03-31/functions/${options.approveFunction}/invocations`, {
      method: 'POST',
      body: JSON.stringify({
        approvalId,
        decision,
        approver: options.operator,
        ...(caller.ok ? { approverPrincipal: caller.arn } : {}),
      }),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200 || response.headers.get('x-amz-function-error')) {
      return { ok: false, approvalId, reason: `the approve function failed: ${String(body.errorType ?? 'error')}` };
    }
    return body;
  };

  /** Answers a GET (or the decision POST); undefined when no such API path exists. */
  const handle = async (method: string, path: string, query: URLSearchParams): Promise<unknown> => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [head, id, action] = parts;
    if (method === 'POST') {
      if (head === 'approvals' && id && (action === 'approve' || action === 'reject') && parts.length === 3) {
        return decide(id, action);
      }
      throw new ApiError(404, `No console API POST ${path}`);
    }
    if (method !== 'GET') throw new ApiError(405, `${method} is not served here`);
    switch (head) {
      case 'session':
        return {
          operator: options.operator,
          now: sources.now().toISOString(),
          stage: options.stage,
          region: options.region,
          endpoint: options.url,
        };
      case 'secrets': {
        if (!id) return { secrets: sources.secrets() };
        const secret = sources.secret(id);
        if (!secret) throw new ApiError(404, 'No such secret');
        return {
          secret,
          history: labelHistoryOf(secret, sources.events()),
          executions: executionsOf(secret),
        };
      }
      case 'executions': {
        if (!id) return { executions: sources.executions() };
        const found = sources.execution(id);
        if (!found) throw new ApiError(404, 'No such execution');
        const view = executionView(found.definition, found.history, {
          status: found.summary.status,
          stopDate: found.summary.stopDate?.getTime(),
        });
        const approvals = (await sources.approvals()).filter((a) => a.executionArn === found.row.executionArn);
        const secret = found.row.secretId ? sources.secret(found.row.secretId) : undefined;
        return { execution: found.row, cause: found.summary.cause?.slice(0, 500), view, approvals, secret };
      }
      case 'approvals':
        return { approvals: await sources.approvals() };
      case 'reads': {
        if (id) {
          const hours = Math.min(Math.max(Number(query.get('hours') ?? 3) || 3, 1), 24);
          return readsOf(id, hours);
        }
        const days = Math.min(Math.max(Number(query.get('days') ?? 7) || 7, 1), 8);
        return readsOverview(days * DAY);
      }
      case 'events':
        return eventsView(query);
      default:
        throw new ApiError(404, `No console API ${path}`);
    }
  };

  return {
    handle: async (method: string, path: string, query: URLSearchParams) => scrubbed(await handle(method, path, query)),
  };
};

type ConsoleApi = ReturnType<typeof createApi>;

export type { ApiOptions, ConsoleApi };
export { ApiError, createApi, scrubbed };

// Decides, without side effects, what the dispatcher does with one delivery: start a workflow or reject the event.
import { parse } from '@aws-lambda-powertools/parser';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import { valueNestsDeeperThan } from '../../shared/domain/nesting.ts';
import type { DispatchEnvelope, WorkflowInput } from '../schemas.ts';
import { executionNameFor } from './execution-name.ts';
import { routes } from './routes.ts';

// EventBridge caps an event at 256 KB, and Step Functions caps an execution input at 256 KB.
const MAX_EVENT_BYTES = 256 * 1024;
// No event any rule routes nests anywhere near this deep; far deeper, serializing it would exhaust the stack.
const MAX_EVENT_DEPTH = 100;
// Text taken from the event into a reason, an issue path or the log context is cut here: it is the sender's, and a
// log line or a dead letter must not grow with it.
const MAX_QUOTED = 64;

type Decision = { kind: 'start'; rule: string; workflow: string; name: string; input: WorkflowInput } | Rejection;

interface Rejection {
  readonly kind: 'reject';
  readonly reason: string;
  readonly issues: string[];
  readonly rule?: string;
  readonly eventId?: string;
  /** Cannot be parked whole in a queue message: too large, or nested too deep to serialize. */
  readonly oversized?: boolean;
}

const quoted = (text: string) => (text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);

interface Issue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { key: PropertyKey })[];
}

/** Schema issues as `path: message`; messages describe types and allowed values, never the rejected input itself. */
const describeIssues = (error: Error, prefix = ''): string[] => {
  const issues = Array.isArray(error.cause) ? (error.cause as Issue[]) : [];
  return issues.slice(0, 20).map((issue) => {
    const path = (issue.path ?? []).map((p) => quoted(String(typeof p === 'object' ? p.key : p))).join('.');
    return `${prefix}${path || '(root)'}: ${quoted(issue.message)}`;
  });
};

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/** @param parsed the Powertools parser's safe-parse result for {@link DispatchEnvelope}. */
const triage = (parsed: ParsedResult<unknown, DispatchEnvelope>): Decision => {
  const raw = parsed.success ? parsed.data : parsed.originalEvent;
  const peek = raw as { rule?: unknown; event?: { id?: unknown } } | null;
  const rule = typeof peek?.rule === 'string' ? quoted(peek.rule) : undefined;
  const eventId = typeof peek?.event?.id === 'string' ? quoted(peek.event.id) : undefined;
  const context = { ...(rule && { rule }), ...(eventId && { eventId }) };
  if (valueNestsDeeperThan(raw, MAX_EVENT_DEPTH)) {
    return {
      kind: 'reject',
      reason: `Event nests deeper than ${MAX_EVENT_DEPTH} levels`,
      issues: [],
      oversized: true,
      ...context,
    };
  }
  const size = byteLength(raw);
  if (size > MAX_EVENT_BYTES) {
    return {
      kind: 'reject',
      reason: `Event is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`,
      issues: [],
      oversized: true,
      ...context,
    };
  }
  if (!parsed.success) {
    return {
      kind: 'reject',
      reason: 'Not an EventBridge event wrapped by a rule target',
      issues: describeIssues(parsed.error),
      ...context,
    };
  }
  const { event } = parsed.data;
  const route = routes.get(parsed.data.rule);
  if (route === undefined) {
    return { kind: 'reject', reason: `Unknown rule "${quoted(parsed.data.rule)}"`, issues: [], ...context };
  }
  if (event.source !== route.source || event['detail-type'] !== route.detailType) {
    return {
      kind: 'reject',
      reason: `Rule "${parsed.data.rule}" expects source "${route.source}" and detail-type "${route.detailType}", got "${quoted(event.source)}" / "${quoted(event['detail-type'])}"`,
      issues: [],
      ...context,
    };
  }
  const detail = parse(event.detail, undefined, route.detail, true);
  if (!detail.success) {
    return {
      kind: 'reject',
      reason: `Malformed "${route.detailType}" detail`,
      issues: describeIssues(detail.error, 'detail.'),
      ...context,
    };
  }
  const secretId = (route.secretId as (d: unknown, r: readonly string[]) => string | undefined)(
    detail.data,
    event.resources,
  );
  return {
    kind: 'start',
    rule: parsed.data.rule,
    workflow: route.workflow,
    name: executionNameFor(event.id),
    input: {
      trigger: {
        rule: parsed.data.rule,
        eventId: event.id,
        source: event.source,
        detailType: event['detail-type'],
        time: event.time,
        region: event.region,
        account: event.account,
      },
      secretId: secretId ?? null,
      detail: detail.data,
    },
  };
};

export type { Decision, Rejection };
export { MAX_EVENT_BYTES, MAX_EVENT_DEPTH, triage };

// Reads a Slack interactivity request (a `block_actions` payload, posted as the form field `payload`) into a decision.
// Call it only after verifySlackRequest: until the signature checks out, nothing in the body is trusted or parsed.
// https://api.slack.com/reference/interaction-payloads/block-actions
import { type Decision, SlackBlockActionsPayload } from '../schemas.ts';
import { SLACK_ACTIONS } from './slack-message.ts';

type SlackInteraction =
  | { ok: true; approvalId: string; decision: Decision; approver: string }
  | { ok: false; reason: string };

type IssuePath = readonly PropertyKey[];

// Why a payload is refused, by the first part of it that is wrong (in this order). A part is wrong when a schema
// issue's path starts with it; the whole payload (an empty path) not being an object is the first reason.
const PROBLEMS: readonly (readonly [(path: IssuePath) => boolean, string])[] = [
  [(path) => path.length === 0 || path[0] === 'type', 'not a block_actions payload'],
  [(path) => path[0] === 'actions' && path.length === 1, 'the payload has no single action'],
  [(path) => path[0] === 'actions' && (path.length === 2 || path[2] === 'action_id'), 'unknown action'],
  [(path) => path[0] === 'actions' && path[2] === 'value', 'the action carries no valid approval id'],
  [(path) => path[0] === 'user', 'the payload names no user'],
];

// A Map, not an object: an `action_id` is the caller's, and `__proto__` or `constructor` must find nothing.
const DECISION_OF: ReadonlyMap<string, Decision> = new Map([
  [SLACK_ACTIONS.approve, 'approve'],
  [SLACK_ACTIONS.reject, 'reject'],
]);

const fail = (reason: string): SlackInteraction => ({ ok: false, reason });

const parseSlackInteraction = (rawBody: string): SlackInteraction => {
  const payloads = new URLSearchParams(rawBody).getAll('payload');
  if (payloads.length !== 1) return fail('the request has no single payload field');
  let json: unknown;
  try {
    json = JSON.parse(payloads[0] ?? '');
  } catch {
    return fail('the payload is not JSON');
  }
  const parsed = SlackBlockActionsPayload.safeParse(json);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path);
    const [, reason = 'not a block_actions payload'] = PROBLEMS.find(([wrong]) => paths.some(wrong)) ?? [];
    return fail(reason);
  }
  const [action] = parsed.data.actions;
  const decision = DECISION_OF.get(action.action_id);
  if (decision === undefined) return fail('unknown action');
  return { ok: true, approvalId: action.value, decision, approver: parsed.data.user.id };
};

export type { SlackInteraction };
export { parseSlackInteraction };

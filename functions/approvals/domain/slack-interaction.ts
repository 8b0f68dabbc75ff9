// Reads a Slack interactivity request (a `block_actions` payload, posted as the form field `payload`) into a decision.
// Call it only after verifySlackRequest: until the signature checks out, nothing in the body is trusted or parsed.
// https://api.slack.com/reference/interaction-payloads/block-actions
import type { Decision } from './record.ts';
import { SLACK_ACTIONS } from './slack-message.ts';

type SlackInteraction =
  | { ok: true; approvalId: string; decision: Decision; approver: string }
  | { ok: false; reason: string };

// The same bounds the `approve` function's input has; ids are printable and short.
const ID = /^[\w.:@-]{1,256}$/;

const DECISION_OF: Readonly<Record<string, Decision>> = {
  [SLACK_ACTIONS.approve]: 'approve',
  [SLACK_ACTIONS.reject]: 'reject',
};

const fail = (reason: string): SlackInteraction => ({ ok: false, reason });

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const parseSlackInteraction = (rawBody: string): SlackInteraction => {
  const payloads = new URLSearchParams(rawBody).getAll('payload');
  if (payloads.length !== 1) return fail('the request has no single payload field');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payloads[0] ?? '');
  } catch {
    return fail('the payload is not JSON');
  }
  const payload = asObject(parsed);
  if (payload?.type !== 'block_actions') return fail('not a block_actions payload');
  const actions = payload.actions;
  // One click is one action; more than one would leave it open which one the user meant.
  if (!Array.isArray(actions) || actions.length !== 1) return fail('the payload has no single action');
  const action = asObject(actions[0]);
  const decision = typeof action?.action_id === 'string' ? DECISION_OF[action.action_id] : undefined;
  if (decision === undefined) return fail('unknown action');
  const approvalId = action?.value;
  if (typeof approvalId !== 'string' || !ID.test(approvalId)) return fail('the action carries no valid approval id');
  const approver = asObject(payload.user)?.id;
  if (typeof approver !== 'string' || !ID.test(approver)) return fail('the payload names no user');
  return { ok: true, approvalId, decision, approver };
};

export type { SlackInteraction };
export { parseSlackInteraction };

// The Block Kit message that asks for an approval in Slack: what would change, who asked and why, until when, and
// Approve / Reject buttons whose `value` is the approval id (never the task token: a button value is visible to every
// member of the channel and to Slack). The interactivity endpoint reads `action_id` and `value` back
// (domain/slack-interaction.ts). https://api.slack.com/reference/block-kit/blocks
//
// Every value that comes from a request (secret id, requester, reason) goes in `plain_text` objects, so it can neither
// format text, mention anyone nor link anywhere, and is cut to Slack's limits so the message is never refused.
import { cut, oneLine, slackEscaped } from '../../shared/domain/sanitise.ts';
import { SlackActionId } from '../schemas.ts';

const SLACK_ACTIONS = SlackActionId.def.entries;

// Slack's limits: header text 150 characters, a field 2000, fallback text 3000 (we keep every part far below).
const LIMITS = { header: 150, field: 1000, text: 2000 } as const;

interface ApprovalMessageInput {
  readonly approvalId: string;
  readonly secretId: string;
  readonly requestedBy: string;
  readonly reason?: string;
  /** Canonical ISO-8601 UTC. */
  readonly expiresAt: string;
  /** What will happen once approved (the record's `action`, e.g. `rotate-secret`). */
  readonly action?: string;
  /** One line on what waits, when the requesting workflow words it (e.g. which principal a quarantine denies). */
  readonly summary?: string;
}

interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji: boolean;
}

interface ApprovalMessage {
  /** The notification text (and what clients without Block Kit show). */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

// plain_text shows text as it is (no mention, link or format), but a line break or a bidi override would still
// rearrange what a person reads: every value is on one line with those characters gone.
const plain = (text: string, max: number = LIMITS.field): PlainText => {
  const line = oneLine(text, max);
  return { type: 'plain_text', text: line === '' ? '—' : line, emoji: false };
};

const button = (actionId: SlackActionId, label: string, approvalId: string, style: 'primary' | 'danger') => ({
  type: 'button',
  action_id: actionId,
  text: plain(label),
  style,
  value: approvalId,
  // A second click to confirm: a stray tap must not approve a rotation.
  confirm: {
    title: plain(`${label}?`),
    text: plain(`${label} approval ${approvalId}?`),
    confirm: plain(label),
    deny: plain('Cancel'),
  },
});

const approvalMessage = ({
  approvalId,
  secretId,
  requestedBy,
  reason,
  expiresAt,
  action = 'rotate-secret',
  summary,
}: ApprovalMessageInput): ApprovalMessage => ({
  // The fallback text is mrkdwn (notifications, clients without Block Kit): every value is escaped, so a requester
  // or secret name cannot ping `<!channel>` or link `<https://evil|Click>`.
  text: cut(
    `Approval requested: ${slackEscaped(action, 64)} ${slackEscaped(secretId, 512)} (requested by ${slackEscaped(requestedBy, 256)})`,
    LIMITS.text,
  ),
  blocks: [
    { type: 'header', text: plain(`Approval requested: ${action}`, LIMITS.header) },
    ...(summary ? [{ type: 'section', text: plain(summary) }] : []),
    {
      type: 'section',
      fields: [
        plain(`Secret: ${secretId}`),
        plain(`Requested by: ${requestedBy}`),
        plain(`Reason: ${reason ?? 'not given'}`),
        plain(`Expires: ${expiresAt} (no decision by then counts as a rejection)`),
      ],
    },
    {
      type: 'actions',
      block_id: 'smcp-approval',
      elements: [
        button(SLACK_ACTIONS.approve, 'Approve', approvalId, 'primary'),
        button(SLACK_ACTIONS.reject, 'Reject', approvalId, 'danger'),
      ],
    },
    { type: 'context', elements: [plain(`Approval id: ${approvalId}`)] },
  ],
});

export type { ApprovalMessage, ApprovalMessageInput, SlackActionId };
export { approvalMessage, SLACK_ACTIONS };

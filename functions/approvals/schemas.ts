// The approvals area's boundaries: the two step inputs (Wait For Approval's task, the `approve` function), what the
// HTTP doors read once a request is authenticated (a Slack click, a link's claims), the approval record in its table,
// and the events the area emits. Zod only: other areas, the dispatcher and the domain import this file.
//
// Written with zod/mini, which bundles only what a schema uses (tens of KB, against about 750 KB for classic zod,
// which every function importing it evaluates at cold start): the Slack door answers within Slack's 3 s, and the
// approvals functions load no schema machinery they never call. So nothing here imports a classic-zod schema module.
import * as z from 'zod/mini';
import '../shared/zod-locale.ts';

const id = z.string().check(z.minLength(1), z.maxLength(2048));

/** What an approval lets happen, as the record and the `Approval Requested` event name it. */
const ApprovalAction = z.enum(['rotate-secret', 'quarantine-principal', 'repair-replica', 'delete-secret']);
type ApprovalAction = z.infer<typeof ApprovalAction>;

const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired']);
type ApprovalStatus = z.infer<typeof ApprovalStatus>;

const Decision = z.enum(['approve', 'reject']);
type Decision = z.infer<typeof Decision>;

/** How the request went out (and so, for a link, whom `link:<channel>` names). */
const Channel = z.enum(['slack', 'sns', 'local']);
type Channel = z.infer<typeof Channel>;

/**
 * Exactly the form `Date#toISOString` writes. ISO strings order like instants only when they share one form, and the
 * store's `expiresAt > :now` condition compares them as strings.
 */
const CanonicalInstant = z.string().check(
  z.refine((value) => {
    const date = new Date(value);
    return Number.isFinite(date.getTime()) && date.toISOString() === value;
  }),
);

/**
 * Wait For Approval's task payload (statemachines/rotation.asl.yml and read-anomaly-response.asl.yml). The rotation
 * sends the first fields; other workflows add the action and a one-line summary.
 */
const RequestApprovalInput = z.object({
  taskToken: z.string().check(z.minLength(1)),
  secretId: id,
  executionArn: id,
  requestedBy: z.string().check(z.minLength(1), z.maxLength(256)),
  /**
   * The requester's AWS principal (an IAM ARN) when the request knew it (the caller identity behind `smcp rotate`, a
   * CloudTrail event's userIdentity): compared with the approver's, as the names are (domain/policy.ts).
   */
  requestedByPrincipal: z.optional(z.string().check(z.maxLength(2048))),
  reason: z._default(z.string().check(z.maxLength(1024)), 'not given'),
  strategy: id,
  timeoutSeconds: z.coerce.number().check(z.int(), z.positive()),
  // The rotation's payload predates `action`.
  action: z._default(ApprovalAction, 'rotate-secret'),
  summary: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
type RequestApprovalInput = z.infer<typeof RequestApprovalInput>;

/** The `approve` function's input; the HTTP doors decide with the same three fields once they know the caller. */
const DecideApprovalInput = z.object({
  approvalId: z.string().check(z.minLength(1), z.maxLength(256)),
  decision: Decision,
  approver: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The approver's AWS principal, when the door knows it (`smcp approve` sends its caller identity). */
  approverPrincipal: z.optional(z.string().check(z.maxLength(2048))),
});
type DecideApprovalInput = z.infer<typeof DecideApprovalInput>;

/** A record in the approvals table (partition key `approvalId`). */
const ApprovalRecord = z.object({
  approvalId: z.string(),
  /**
   * The Step Functions callback token. Whoever holds it can complete the task, so it lives only in this record: never
   * log it and never put it in a notification (see `PublicApprovalRecord`).
   */
  taskToken: z.string(),
  secretId: z.string(),
  action: z.string(),
  /** The execution that waits for this approval: Check Approval accepts the record only for that execution. */
  executionArn: z.optional(z.string()),
  requestedBy: z.string(),
  requestedByPrincipal: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** Canonical ISO-8601 UTC (`Date#toISOString`): the store compares it as a string in its condition. */
  expiresAt: z.string(),
  status: ApprovalStatus,
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.string()),
  channel: z.optional(Channel),
});
type ApprovalRecord = Readonly<z.infer<typeof ApprovalRecord>>;

/** What may be logged, shown on the console or sent in a notification. */
const PublicApprovalRecord = z.omit(ApprovalRecord, { taskToken: true });
type PublicApprovalRecord = Readonly<z.infer<typeof PublicApprovalRecord>>;

/** `smcp` / `Approval Requested`, from Wait For Approval's task. */
const ApprovalRequestedDetail = z.object({
  approvalId: z.string(),
  secretId: id,
  action: ApprovalAction,
  requestedBy: z.string(),
  reason: z.string(),
  expiresAt: CanonicalInstant,
  executionArn: z.string(),
});
type ApprovalRequestedDetail = z.infer<typeof ApprovalRequestedDetail>;

/**
 * `smcp` / `Approval Decided`: the decided record (never its task token), and whether the workflow still waited.
 * `smcp` / `Approval Expired` has the same shape: a decision that came after the workflow stopped waiting, recorded
 * with status `expired` (decidedBy and decidedAt then say who came too late, and when).
 */
const ApprovalDecidedDetail = z.extend(PublicApprovalRecord, { workflowNotified: z.boolean() });
type ApprovalDecidedDetail = z.infer<typeof ApprovalDecidedDetail>;

/**
 * The claims of an approve/reject link (domain/link-token.ts), read only after the MAC checks out. Each field's
 * refusal reason is in the domain, in this order.
 */
const LinkClaims = z.object({
  approvalId: z.string().check(z.minLength(1)),
  decision: Decision,
  /** The recipient the link was sent to, when the link itself identifies the approver (one email per approver). */
  approver: z.optional(z.string().check(z.minLength(1))),
  /** The link stops working at this instant. */
  expiresAt: CanonicalInstant,
  /** Random per link, so two links for the same approval never share a token. */
  nonce: z.string().check(z.minLength(1)),
});
type LinkClaims = z.infer<typeof LinkClaims>;

/**
 * Check Approval's input: the step after every approval wait (docs/approvals.md, "Check the record"). `callback` is
 * the waiting task's output, which whoever holds the task token chose: it is read for an approval id at most, and the
 * record it names counts only when it belongs to this execution, secret and action and says `approved`.
 */
const CheckApprovalInput = z.object({
  callback: z.optional(z.unknown()),
  executionArn: id,
  secretId: id,
  action: ApprovalAction,
});
type CheckApprovalInput = z.infer<typeof CheckApprovalInput>;

/** The `action_id`s of the Approve / Reject buttons (domain/slack-message.ts). */
const SlackActionId = z.enum(['approve', 'reject']);
type SlackActionId = z.infer<typeof SlackActionId>;

// The same bounds the `approve` function's input has; ids are printable and short.
const SlackId = z.string().check(z.regex(/^[\w.:@-]{1,256}$/));

/**
 * A click on one of those buttons: Slack's `block_actions` payload (the form field `payload`), read only after the
 * request's signature checks out. Only the fields a decision needs.
 * https://api.slack.com/reference/interaction-payloads/block-actions
 */
const SlackBlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  // One click is one action; more than one would leave it open which one the user meant.
  actions: z.tuple([z.object({ action_id: SlackActionId, value: SlackId })]),
  user: z.object({ id: SlackId }),
});
type SlackBlockActionsPayload = z.infer<typeof SlackBlockActionsPayload>;

export {
  ApprovalAction,
  ApprovalDecidedDetail,
  ApprovalRecord,
  ApprovalRequestedDetail,
  ApprovalStatus,
  CanonicalInstant,
  Channel,
  CheckApprovalInput,
  DecideApprovalInput,
  Decision,
  LinkClaims,
  PublicApprovalRecord,
  RequestApprovalInput,
  SlackActionId,
  SlackBlockActionsPayload,
};

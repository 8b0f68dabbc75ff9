// Wait For Approval's task: stores the approval record with the task token (Slack buttons and links cannot carry a
// token), notifies approvers with signed approve/reject links and says `Approval Requested` on the bus. The workflow
// then waits until the decide step calls SendTaskSuccess/SendTaskFailure, or TimeoutSeconds passes.
// The rotation workflow uses it for `rotate-secret`; read-anomaly-response for `quarantine-principal`; replica-repair
// for `repair-replica` (worded by its summary, as the quarantine is). Deciding is the
// same for every action, so only the record's `action` and the notification's wording differ.
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import type { SlackPoster } from '../../shared/adapters/slack.ts';
import { oneLine, printableLines, quoted } from '../../shared/domain/sanitise.ts';
import type { ApprovalStore } from '../adapters/store.ts';
import { type LinkKey, signLinkToken } from '../domain/link-token.ts';
import { APPROVAL_STATUSES, type ApprovalRecord, CHANNELS } from '../domain/record.ts';
import { approvalMessage } from '../domain/slack-message.ts';
import { ApprovalAlreadyExistsError } from '../errors.ts';
import type { ApprovalAction, ApprovalRequestedDetail, RequestApprovalInput } from '../schemas.ts';

interface RequestApprovalDeps {
  readonly store: Pick<ApprovalStore, 'put'>;
  readonly notifier: Notifier;
  readonly bus: EventPublisher;
  readonly logger: Logger;
  /** The link-signing key, or undefined when none is configured (then only the console and CLI can decide). */
  readonly linkKey: () => Promise<LinkKey | undefined>;
  /** Where the approval endpoint takes `?token=`. */
  readonly linkBaseUrl: string;
  /** Posts the Block Kit request with Approve/Reject buttons, or undefined when Slack is not configured. */
  readonly slack?: () => Promise<SlackPoster | undefined>;
  readonly now?: () => Date;
}

/** The task's payload as the schema reads it (the action defaults to `rotate-secret`). */
type ApprovalRequest = RequestApprovalInput;

/**
 * One record per task token: a retried request (same token) finds its own record, a new attempt (new token) gets a
 * new one. A digest, so the id can be shown and logged while the token cannot.
 */
const approvalIdFor = (taskToken: string) => `apr-${createHash('sha256').update(taskToken).digest('hex').slice(0, 32)}`;

const linkFor = (base: string, token: string) => `${base}${base.includes('?') ? '&' : '?'}token=${token}`;

/**
 * The notification's subject and first line: the rotation's own wording unless the request brings a summary. Every
 * value a request chose (the summary, the secret id, the strategy) is on one line with its control and bidi
 * characters gone (functions/shared/domain/sanitise.ts): it cannot start a line of its own.
 */
const headlineOf = (request: ApprovalRequest) => {
  const summary = request.summary === undefined ? '' : oneLine(request.summary, 512);
  const secret = oneLine(request.secretId, 2048);
  return summary
    ? { subject: `[smcp] Approval requested: ${summary}`, first: `${summary}: waits for approval.` }
    : {
        subject: `[smcp] Approval requested: rotate ${secret}`,
        first: `Rotation of ${secret} (strategy ${oneLine(request.strategy, 256)}) waits for approval.`,
      };
};

/**
 * The SNS message. Free text (requester, reason) is quoted on its line, so where it ends is plain and nothing in it
 * can pose as the next field, a link or an approval id; the links and ids are ours.
 */
const messageOf = (
  request: ApprovalRequest,
  { approvalId, expiresAt, links }: { approvalId: string; expiresAt: string; links: readonly string[] },
) =>
  printableLines(
    [
      headlineOf(request).first,
      `Requested by: ${quoted(request.requestedBy, 256)}`,
      `Reason: ${quoted(request.reason, 1024)}`,
      `Approval id: ${approvalId}`,
      `Expires at: ${expiresAt} (no decision by then counts as a rejection)`,
      ...links,
      `Execution: ${oneLine(request.executionArn, 2048)}`,
    ].join('\n'),
  );

/**
 * The Slack message is a second way to decide, beside the SNS links: if Slack refuses or is down, the request still
 * stands (SNS went out), so the failure is logged loudly rather than failing the wait.
 */
const postToSlack = async (
  { slack, logger }: Pick<RequestApprovalDeps, 'slack' | 'logger'>,
  { secretId, requestedBy, reason, summary }: ApprovalRequest,
  ids: { approvalId: string; action: ApprovalAction; expiresAt: string },
) => {
  try {
    const poster = await slack?.();
    if (!poster) return false;
    const message = approvalMessage({
      ...ids,
      secretId,
      requestedBy,
      reason,
      ...(summary === undefined ? {} : { summary }),
    });
    await poster.post(message);
    return true;
  } catch (error) {
    logger.error('Slack approval message not sent; the request went out by SNS', {
      approvalId: ids.approvalId,
      reason: (error as Error).message,
    });
    return false;
  }
};

const createRequestApprovalStep =
  ({ store, notifier, bus, logger, linkKey, linkBaseUrl, slack, now = () => new Date() }: RequestApprovalDeps) =>
  async (request: ApprovalRequest) => {
    const approvalId = approvalIdFor(request.taskToken);
    const { action } = request;
    // Whole seconds, canonical form: the store compares expiresAt as a string.
    const expiresAt = new Date(Math.floor(now().getTime() / 1000) * 1000 + request.timeoutSeconds * 1000).toISOString();
    const record: ApprovalRecord = {
      approvalId,
      taskToken: request.taskToken,
      secretId: request.secretId,
      action,
      executionArn: request.executionArn,
      requestedBy: request.requestedBy,
      ...(request.requestedByPrincipal ? { requestedByPrincipal: request.requestedByPrincipal } : {}),
      reason: request.reason,
      expiresAt,
      status: APPROVAL_STATUSES.pending,
      channel: CHANNELS.sns,
    };
    try {
      await store.put(record);
    } catch (error) {
      if (!(error instanceof ApprovalAlreadyExistsError)) throw error;
    }

    const key = await linkKey();
    const links = key
      ? (['approve', 'reject'] as const).map(
          (decision) =>
            `${decision === 'approve' ? 'Approve' : 'Reject'}: ${linkFor(
              linkBaseUrl,
              signLinkToken({ approvalId, decision, expiresAt, nonce: randomUUID() }, key),
            )}`,
        )
      : ['(no approval link key is configured: decide with the approve function or the local console)'];
    await notifier.notify(headlineOf(request).subject, messageOf(request, { approvalId, expiresAt, links }));
    const posted = await postToSlack({ slack, logger }, request, { approvalId, action, expiresAt });
    const detail: ApprovalRequestedDetail = {
      approvalId,
      secretId: request.secretId,
      action,
      requestedBy: request.requestedBy,
      reason: request.reason,
      expiresAt,
      executionArn: request.executionArn,
    };
    await bus.publish('Approval Requested', detail, [request.secretId]);
    logger.info('Approval requested', {
      approvalId,
      secretId: request.secretId,
      action,
      expiresAt,
      links: Boolean(key),
      slack: posted,
    });
    return { approvalId, expiresAt };
  };

export type { ApprovalRequest, RequestApprovalDeps };
export { approvalIdFor, createRequestApprovalStep };

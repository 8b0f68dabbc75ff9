// The request-approval step, generalised for the read-anomaly response's quarantine: the action and
// a summary change the record and the wording; without them a request is exactly what the rotation always sent.
import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../functions/approvals/domain/record.ts';
import type { ApprovalMessage } from '../../functions/approvals/domain/slack-message.ts';
import { RequestApprovalInput } from '../../functions/approvals/schemas.ts';
import {
  createRequestApprovalStep,
  type RequestApprovalDeps,
} from '../../functions/approvals/steps/request-approval.ts';
import { SlackDeliveryError } from '../../functions/shared/adapters/slack.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
const SUSPECT = 'arn:aws:iam::123456789012:user/ci';

const setup = (slack?: RequestApprovalDeps['slack']) => {
  const records: ApprovalRecord[] = [];
  const messages: { subject: string; message: string }[] = [];
  const events: { detailType: string; detail: Record<string, unknown> }[] = [];
  const errors: string[] = [];
  const logger = {
    info: () => {},
    warn: () => {},
    error: (message: string, extra: unknown) => errors.push(`${message} ${JSON.stringify(extra)}`),
  } as unknown as Logger;
  const step = createRequestApprovalStep({
    store: {
      async put(record) {
        records.push(record);
      },
    },
    notifier: {
      async notify(subject, message) {
        messages.push({ subject, message });
      },
    },
    bus: {
      async publish(detailType, detail) {
        events.push({ detailType, detail: detail as Record<string, unknown> });
      },
    },
    logger,
    linkKey: async () => undefined,
    linkBaseUrl: 'http://127.0.0.1:4566/_smcp/approvals/decide',
    now: () => new Date('2026-01-07T10:00:00.400Z'),
    ...(slack ? { slack } : {}),
  });
  return { step, records, messages, events, errors };
};

const request = {
  taskToken: 'token-1',
  secretId: SECRET,
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:smcp-dev-x:1',
  requestedBy: 'alice',
  reason: 'quarterly',
  strategy: 'random-password',
  timeoutSeconds: 3600,
};

describe('request-approval step', () => {
  it('keeps the rotation’s action and wording when no action or summary is given', async () => {
    const { step, records, messages, events } = setup();

    const parsed = RequestApprovalInput.parse(request);
    await step(parsed);

    expect(parsed.action).toBe('rotate-secret');
    expect(records[0]).toMatchObject({ action: 'rotate-secret', expiresAt: '2026-01-07T11:00:00.000Z' });
    expect(messages[0]?.subject).toBe(`[smcp] Approval requested: rotate ${SECRET}`);
    expect(messages[0]?.message.split('\n')[0]).toBe(
      `Rotation of ${SECRET} (strategy random-password) waits for approval.`,
    );
    expect(events).toMatchObject([{ detailType: 'Approval Requested', detail: { action: 'rotate-secret' } }]);
  });

  it('records a quarantine-principal action and words the request by its summary, on one line', async () => {
    const { step, records, messages, events } = setup();

    await step(
      RequestApprovalInput.parse({
        ...request,
        requestedBy: 'read-anomaly-response',
        strategy: 'quarantine',
        action: 'quarantine-principal',
        summary: `quarantine ${SUSPECT}\non ${SECRET}`,
      }),
    );

    expect(records[0]).toMatchObject({ action: 'quarantine-principal', requestedBy: 'read-anomaly-response' });
    expect(messages[0]?.subject).toBe(`[smcp] Approval requested: quarantine ${SUSPECT} on ${SECRET}`);
    expect(messages[0]?.message).toContain(`quarantine ${SUSPECT} on ${SECRET}: waits for approval.`);
    expect(messages[0]?.message).not.toContain('Rotation of');
    expect(events[0]?.detail).toMatchObject({ action: 'quarantine-principal', secretId: SECRET });
  });

  it('posts the quarantine to Slack with its summary and the approval id on the buttons', async () => {
    const posted: ApprovalMessage[] = [];
    const { step, records } = setup(async () => ({
      async post(message) {
        posted.push(message);
        return { channel: 'C0', ts: '1.2' };
      },
    }));

    await step(
      RequestApprovalInput.parse({
        ...request,
        action: 'quarantine-principal',
        summary: `quarantine ${SUSPECT}\non ${SECRET}`,
      }),
    );

    const blocks = JSON.stringify(posted[0]?.blocks);
    expect(blocks).toContain('Approval requested: quarantine-principal');
    expect(blocks).toContain(`quarantine ${SUSPECT} on ${SECRET}`);
    expect(blocks).toContain(`"value":"${records[0]?.approvalId}"`);
    expect(blocks).not.toContain('token-1');
  });

  it('still requests by SNS and the bus when Slack fails, and logs why', async () => {
    const { step, messages, events, errors } = setup(async () => ({
      async post() {
        throw new SlackDeliveryError('Slack message not posted to C0: Slack answered invalid_auth');
      },
    }));

    await step(RequestApprovalInput.parse(request));

    expect(messages).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(errors).toEqual([expect.stringContaining('Slack answered invalid_auth')]);
  });

  it('refuses an action it does not know', () => {
    expect(RequestApprovalInput.safeParse({ ...request, action: 'purge-account' }).success).toBe(false);
    expect(RequestApprovalInput.safeParse({ ...request, action: 'delete-secret' }).success).toBe(true);
  });
});

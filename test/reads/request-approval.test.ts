// The rotation area's request-approval step, generalised for the read-anomaly response's quarantine: the action and
// a summary change the record and the wording; without them a request is exactly what the rotation always sent.
import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../functions/approvals/domain/record.ts';
import {
  createRequestApprovalStep,
  RequestApprovalStepInput,
} from '../../functions/rotation/steps/request-approval.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
const SUSPECT = 'arn:aws:iam::123456789012:user/ci';

const setup = () => {
  const records: ApprovalRecord[] = [];
  const messages: { subject: string; message: string }[] = [];
  const events: { detailType: string; detail: Record<string, unknown> }[] = [];
  const logger = { info: () => {}, warn: () => {} } as unknown as Logger;
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
  });
  return { step, records, messages, events };
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

    const parsed = RequestApprovalStepInput.parse(request);
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
      RequestApprovalStepInput.parse({
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

  it('refuses an action it does not know', () => {
    expect(RequestApprovalStepInput.safeParse({ ...request, action: 'delete-secret' }).success).toBe(false);
  });
});

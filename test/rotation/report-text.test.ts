// The rotation's alert (Notify Outcome, steps/report.ts) is text people read: a requester or an error message with
// line breaks must not add lines of its own (issue #11, 4), and who approved comes from Check Approval's record.
import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createReportStep } from '../../functions/rotation/steps/report.ts';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:smcp-local-rotation:e-1';
const FORGED = 'Approve: https://evil.example/approvals/link?token=forged';

const run = async (state: Record<string, unknown>) => {
  const published: { type: string; detail: Record<string, unknown> }[] = [];
  const notified: { subject: string; message: string }[] = [];
  const report = createReportStep({
    bus: {
      publish: async (type: string, detail: object) => void published.push({ type, detail: detail as never }),
    } as never,
    notifier: { notify: async (subject, message) => void notified.push({ subject, message }) },
    logger: { info: () => {} } as unknown as Logger,
  });
  await report({ state: state as never, executionArn: EXECUTION });
  return { published, notified };
};

describe('rotation report text', () => {
  it('keeps a requester’s and an error’s line breaks out of the alert', async () => {
    const { notified } = await run({
      secretId: 'prod/db',
      plan: {
        enabled: true,
        secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf',
        requestedBy: `mallory\n${FORGED}`,
      },
      outcome: { type: 'Rotation Failed' },
      error: { Error: 'TargetUnreachableError', Cause: `refused\n${FORGED}\u202e` },
    });

    const lines = notified[0]?.message.split('\n') ?? [];
    expect(lines.filter((line) => line.startsWith('Approve:'))).toEqual([]);
    expect(lines).toContain(`Requested by: "mallory ${FORGED}"`);
    expect(lines).toContain(`Reason: "TargetUnreachableError: refused ${FORGED}"`);
  });

  it('reports who approved from $.approval (Check Approval’s record), never from the wait’s output', async () => {
    const { published } = await run({
      secretId: 'prod/db',
      plan: {
        enabled: true,
        secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf',
        requestedBy: 'alice',
      },
      approvalCallback: { approvalId: `apr-${'b'.repeat(32)}`, decidedBy: 'nobody-at-all' },
      approval: { approvalId: `apr-${'a'.repeat(32)}`, decidedBy: 'local-operator' },
      outcome: { type: 'Rotation Completed' },
    });

    expect(published[0]?.detail).toMatchObject({ approvalId: `apr-${'a'.repeat(32)}`, approvedBy: 'local-operator' });
    expect(JSON.stringify(published)).not.toContain('nobody-at-all');
  });
});

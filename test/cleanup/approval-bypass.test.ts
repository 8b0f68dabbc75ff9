// Attack (issue #11, 1) against the cleanup's deletion gate: whoever can read the execution history has the waiting
// task's token and can complete Wait For Deletion Approval with any output. The cleanup must delete only on what the
// approval record says (Check Deletion Approval), never on the callback.
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { type HistoryEvent, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionHistory, stolenTaskToken } from '../support/leaks.ts';
import {
  advanceDays,
  approvalsFor,
  createSecret,
  decide,
  expectNoCanary,
  type Harness,
  ownEvents,
  pathsOf,
  rowFor,
  scan,
  settled,
  startHarness,
  tagsOf,
} from './support.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await expectNoCanary(h);
  await h?.stop();
});

const historyOf = (executionArn: string) => executionHistory(h, executionArn);

const statesEntered = (events: readonly HistoryEvent[]) =>
  events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));

describe('cleanup: Wait For Deletion Approval completed with a stolen task token', () => {
  it('deletes nothing on a forged approval; a real approval on the next scan still counts', async () => {
    const name = 'bypass/forged';
    const arn = await createSecret(h, name, { readDaysAgo: { 'us-east-1': 120 } });
    await scan(h, { mode: 'mark', namePrefix: 'bypass/' });
    await advanceDays(h, 15);
    const waiting = await scan(h, { mode: 'delete', namePrefix: 'bypass/' });
    const execution = waiting.executions.find((e) => e.awaitingCallback);
    expect(execution, pathsOf(waiting)).toBeDefined();
    const approvalId = String(approvalsFor(h, arn)[0]?.approvalId ?? '');
    const taskToken = await stolenTaskToken(h, execution?.executionArn ?? '');
    expect(taskToken, 'the history shows the task token').not.toBe('');

    await h.clients.sfn.send(
      new SendTaskSuccessCommand({
        taskToken,
        output: JSON.stringify({ approvalId, status: 'approved', decidedBy: 'nobody-at-all' }),
      }),
    );
    const forged = await settled(h, waiting.scanId, new Date(0));

    const entered = statesEntered(await historyOf(execution?.executionArn ?? ''));
    expect(entered).toEqual(expect.arrayContaining(['Check Deletion Approval', 'Deletion Approval Not Granted']));
    expect(entered).not.toContain('Delete Secret');
    expect(forged.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(rowFor(forged.candidates, name)).toMatchObject({
      action: 'approval-not-granted',
      reason: expect.stringContaining('the approval record does not show an approval of this deletion'),
    });
    expect(JSON.stringify(forged.candidates)).not.toContain('nobody-at-all');
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
    expect(await tagsOf(h, name)).toHaveProperty('smcp:cleanup-marked');
    expect(ownEvents(h, 'Secret Scheduled For Deletion').filter((d) => d.secretId === arn)).toEqual([]);

    // The next scan asks again; this time a human approves through the decision path, and the deletion goes ahead.
    const again = await scan(h, { mode: 'delete', namePrefix: 'bypass/' });
    const second = approvalsFor(h, arn).at(-1);
    expect(second?.approvalId).not.toBe(approvalId);
    await decide(h, String(second?.approvalId), 'approve');
    const approved = await settled(h, again.scanId, new Date(0));

    expect(rowFor(approved.candidates, name)).toMatchObject({ action: 'scheduled-for-deletion' });
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeDefined();
  });
});

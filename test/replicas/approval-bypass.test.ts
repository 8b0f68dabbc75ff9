// Attack (issue #11, 1) against the replica repair's gate: whoever can read the execution history has the waiting
// task's token and can complete Wait For Repair Approval with any output. The repair must act only on what the
// approval record says (Check Repair Approval), never on the callback.
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stolenTaskToken } from '../support/leaks.ts';
import { type Harness, ownEvents, replay, rowsOf, settled, startHarness, statesEntered } from './support.ts';

let h: Harness;
let sfn: SFNClient;

beforeAll(async () => {
  h = await startHarness();
  sfn = new SFNClient({
    endpoint: h.cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}, 120_000);

afterAll(async () => {
  sfn?.destroy();
  await h?.stop();
});

describe('replica-repair: Wait For Repair Approval completed with a stolen task token', () => {
  it('repairs nothing on a forged approval; the record stays pending', async () => {
    const run = await replay(h, 'replica-approval');
    const waiting = run.executions.find((e) => e.awaitingCallback);
    expect(waiting, 'a repair waits for approval').toBeDefined();
    const secret = 'replicas/approval-approved';
    const arn = run.before.get(`${secret}@us-east-1`)?.arn ?? secret;
    const approvalId = String(
      ownEvents(h, arn).find((e) => e.detailType === 'Approval Requested')?.detail.approvalId ?? '',
    );
    const execution = run.executions.find((e) => e.awaitingCallback && JSON.stringify(e.history).includes(arn));
    const taskToken = await stolenTaskToken({ clients: { sfn } }, execution?.executionArn ?? '');
    expect(taskToken, 'the history shows the task token').not.toBe('');

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approvalId, decidedBy: 'nobody-at-all' }) }),
    );
    const after = await settled(h);

    const final = after.find((e) => e.name === execution?.name);
    expect(statesEntered(final)).toEqual(
      expect.arrayContaining(['Check Repair Approval', 'Repair Approval Not Granted']),
    );
    expect(statesEntered(final)).not.toContain('Start The Repair');
    expect(rowsOf(final)).toMatchObject([{ region: 'us-west-2', outcome: 'rejected', statusAfter: 'Failed' }]);
    expect(JSON.stringify(rowsOf(final))).not.toContain('nobody-at-all');
    const untouched = await h.sm().send(new DescribeSecretCommand({ SecretId: secret }));
    expect(untouched.ReplicationStatus?.[0]?.Status).toBe('Failed');
    expect(ownEvents(h, arn).map((e) => e.detailType)).not.toContain('Replica Repaired');
  });
});

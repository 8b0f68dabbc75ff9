// Attack (issue #11, 1): the waiting step's TaskScheduled history event carries the task token, so anyone who can read
// the execution history (states:GetExecutionHistory) and call states:SendTaskSuccess can complete the wait with any
// output. Through the local cloud with the real SDK: the attacker reads the token from the history, completes the
// task with a forged "approval", and the workflow must not act on it. The approval record is the only proof.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, DescribeSecretCommand, GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../local/settle.ts';
import { tableNamed } from '../../scripts/cli/stack.ts';
import { decideApproval, type PutEntry, publishSpike, recordPutEvents, responsesOf } from '../reads/support.ts';
import { busEvent } from '../support/events.ts';
import { stolenTaskToken } from '../support/leaks.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const APPROVER = 'local-operator';

let t: TestCloud;
let put: PutEntry[] = [];

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-07T10:09:00Z' });
  put = recordPutEvents(t);
  process.env.APPROVERS = APPROVER;
});
afterAll(async () => t?.cloud.stop());

/** What an attacker with states:GetExecutionHistory sees: the waiting task's parameters, token included. */
const stolenToken = async (executionArn: string): Promise<{ taskToken: string }> => {
  const taskToken = await stolenTaskToken(t, executionArn);
  expect(taskToken, 'the history shows the task token').not.toBe('');
  return { taskToken };
};

const approvalStatus = async (approvalId: string) => {
  const { Item } = await t.clients.ddb.send(
    new GetItemCommand({
      TableName: tableNamed(t.cloud.stack, 'ApprovalsTable'),
      Key: { approvalId: { S: approvalId } },
    }),
  );
  return Item?.status?.S;
};

const forge = (taskToken: string, output: unknown) =>
  t.clients.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));

const requestedFor = (secretArn: string) =>
  put.filter((e) => e.DetailType === 'Approval Requested' && e.Detail.secretId === secretArn);

describe('rotation: Wait For Approval completed with a stolen task token', () => {
  const waitingRotation = async (name: string) => {
    const created = await t.clients.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ username: 'svc', password: `initial-${crypto.randomUUID()}` }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    const arn = created.ARN ?? '';
    const event = busEvent({ detail: { secretId: name, reason: 'quarterly', requestedBy: 'alice' } });
    t.cloud.bus.publish(event);
    const execution = (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === event.id);
    expect(execution?.awaitingCallback).toBe(true);
    const approvalId = String(requestedFor(arn)[0]?.Detail.approvalId);
    return { arn, executionArn: execution?.executionArn ?? '', eventId: event.id, approvalId };
  };

  const outcomesOf = (arn: string) =>
    put.filter(
      (e) => e.DetailType.startsWith('Rotation ') && e.DetailType !== 'Rotation Requested' && e.Detail.secretId === arn,
    );

  it('does not rotate on a forged approval; the outcome names no approver', async () => {
    const rotation = await waitingRotation('bypass/forged-approval');
    const before = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: rotation.arn }));
    const { taskToken } = await stolenToken(rotation.executionArn);

    await forge(taskToken, { approvalId: rotation.approvalId, decidedBy: 'nobody-at-all' });
    const execution = (await settle(t.cloud)).find((e) => e.name === rotation.eventId);

    const after = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: rotation.arn }));
    expect(after.VersionIdsToStages, 'no new version, AWSCURRENT where it was').toEqual(before.VersionIdsToStages);
    expect(await approvalStatus(rotation.approvalId)).toBe('pending');
    expect(outcomesOf(rotation.arn).map((e) => e.DetailType)).toEqual(['Rotation Rejected']);
    expect(JSON.stringify(outcomesOf(rotation.arn))).not.toContain('nobody-at-all');
    expect(execution?.status).toBe('SUCCEEDED');
  });

  it('does not rotate when the forged output points at another, genuinely approved record', async () => {
    const approved = await waitingRotation('bypass/approved-elsewhere');
    await decideApproval(t, { approvalId: approved.approvalId, decision: 'approve', approver: APPROVER });
    const target = await waitingRotation('bypass/pointer-to-other');
    const before = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: target.arn }));
    const { taskToken } = await stolenToken(target.executionArn);

    await forge(taskToken, { approvalId: approved.approvalId, decidedBy: APPROVER });
    await settle(t.cloud);

    const after = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: target.arn }));
    expect(after.VersionIdsToStages).toEqual(before.VersionIdsToStages);
    expect(outcomesOf(target.arn).map((e) => e.DetailType)).toEqual(['Rotation Rejected']);
  });

  it.each([
    ['no approval id at all', { decidedBy: 'nobody-at-all' }],
    ['a string', 'approved'],
    ['an approval id that does not exist', { approvalId: `apr-${'0'.repeat(32)}` }],
  ])('does not rotate on a forged output with %s', async (_, output) => {
    const rotation = await waitingRotation(`bypass/odd-${crypto.randomUUID().slice(0, 8)}`);
    const before = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: rotation.arn }));
    const { taskToken } = await stolenToken(rotation.executionArn);

    await forge(taskToken, output);
    await settle(t.cloud);

    const after = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: rotation.arn }));
    expect(after.VersionIdsToStages).toEqual(before.VersionIdsToStages);
    expect(outcomesOf(rotation.arn).map((e) => e.DetailType)).toEqual(['Rotation Rejected']);
  });

  it('rotates once a genuine approval decides, and reports who approved from the record', async () => {
    const rotation = await waitingRotation('bypass/genuine');

    const decision = await decideApproval(t, {
      approvalId: rotation.approvalId,
      decision: 'approve',
      approver: APPROVER,
    });
    await settle(t.cloud);

    expect(decision).toMatchObject({ ok: true, status: 'approved', decidedBy: APPROVER });
    expect(outcomesOf(rotation.arn)).toMatchObject([
      { DetailType: 'Rotation Completed', Detail: { approvalId: rotation.approvalId, approvedBy: APPROVER } },
    ]);
  });
});

describe('read-anomaly response: Wait For Quarantine Approval completed with a stolen task token', () => {
  it('does not quarantine on a forged approval', async () => {
    const arn = await publishSpike(t, 'bypass/quarantine', {
      'smcp:anomaly-response': 'quarantine',
      'smcp:approval': 'required',
    });
    const [waiting] = responsesOf(t, arn);
    expect(waiting).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    const execution = t.cloud.stepfunctions
      .executions()
      .find((e) => e.stateMachineArn.endsWith('-read-anomaly-response') && e.status === 'RUNNING');
    const approvalId = String(requestedFor(arn)[0]?.Detail.approvalId);
    const { taskToken } = await stolenToken(execution?.executionArn ?? '');

    await forge(taskToken, { approvalId, decidedBy: 'nobody-at-all' });
    await t.cloud.whenIdle();

    const policy = (await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy;
    expect(policy, 'no Deny was written').toBeUndefined();
    expect(await approvalStatus(approvalId)).toBe('pending');
    const [run] = responsesOf(t, arn);
    expect(run?.states).not.toContain('Quarantine The Principal');
    expect(run?.output).toMatchObject({ remediation: 'quarantine', remediated: false });
  });
});

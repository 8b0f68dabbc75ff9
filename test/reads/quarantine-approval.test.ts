// A quarantine that policy says needs approval, through the local cloud: the read-anomaly-response workflow waits in
// the rotation area's approval step until the `approve` function (Lambda's Invoke API) decides, or the approval
// times out. Spikes are put on the bus as detect-spikes would (the live detection path is in scenarios.test.ts), so
// no schedule runs and a day of waiting costs one clock jump.
import { GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED_ACTIONS } from '../../functions/reads/domain/quarantine.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { decideApproval, type PutEntry, publishSpike, recordPutEvents, responsesOf, SUSPECT } from './support.ts';

/** `approvalTimeoutSeconds` (default 86400): the wait state's TimeoutSeconds. */
const APPROVAL_TIMEOUT_MS = 86_400_000;
const APPROVER = 'local-operator';

let t: TestCloud;
let put: PutEntry[] = [];

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-07T10:09:00Z' });
  put = recordPutEvents(t);
});
afterAll(async () => t?.cloud.stop());

/** A secret tagged for quarantine (approval from the tag, or the stage default when `approval` is undefined), spiking. */
const spikeOn = (name: string, approval?: string) =>
  publishSpike(t, name, {
    'smcp:anomaly-response': 'quarantine',
    ...(approval === undefined ? {} : { 'smcp:approval': approval }),
  });

const approvalRequestsFor = (arn: string) =>
  put.filter((e) => e.DetailType === 'Approval Requested' && e.Detail.secretId === arn);

const policyOf = async (arn: string) =>
  (await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy;

describe('quarantine behind approval', () => {
  it('waits for a decision, asking for it as a quarantine-principal approval', async () => {
    const arn = await spikeOn('approval/waits', 'required');

    const runs = responsesOf(t, arn);
    expect(runs).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);
    expect(runs[0]?.states.at(-1)).toBe('Wait For Quarantine Approval');
    expect(approvalRequestsFor(arn)).toMatchObject([
      {
        Detail: {
          approvalId: expect.stringMatching(/^apr-/),
          action: 'quarantine-principal',
          requestedBy: 'read-anomaly-response',
          reason: expect.stringContaining('read spike'),
        },
      },
    ]);
    // The approvers' notification names what waits, in the request's own words rather than the rotation's.
    const approvalId = String(approvalRequestsFor(arn)[0]?.Detail.approvalId);
    const notification = t.cloud.sns?.outbox().find((n) => n.Message.includes(approvalId));
    expect(notification?.Subject).toBe(`[smcp] Approval requested: quarantine ${SUSPECT} on ${arn}`.slice(0, 100));
    expect(notification?.Message).toContain(`quarantine ${SUSPECT} on ${arn}: waits for approval.`);
    expect(await policyOf(arn)).toBeUndefined();
  });

  it('applies the Deny once approved', async () => {
    // No smcp:approval tag: the stage default (required) applies.
    const arn = await spikeOn('approval/approved');

    const decision = await decideApproval(t, {
      approvalId: String(approvalRequestsFor(arn)[0]?.Detail.approvalId),
      decision: 'approve',
      approver: APPROVER,
    });
    await t.cloud.whenIdle();

    expect(decision).toMatchObject({ ok: true, status: 'approved', decidedBy: APPROVER, workflowNotified: true });
    expect(responsesOf(t, arn)).toMatchObject([
      {
        status: 'SUCCEEDED',
        output: { remediation: 'quarantine', remediated: true, approvalRequired: true, suspect: SUSPECT },
      },
    ]);
    expect(JSON.parse((await policyOf(arn)) ?? '{}').Statement).toMatchObject([
      { Effect: 'Deny', Principal: { AWS: SUSPECT }, Action: [...DENIED_ACTIONS] },
    ]);
  });

  it('changes nothing when the approval is rejected', async () => {
    const arn = await spikeOn('approval/rejected', 'required');

    const decision = await decideApproval(t, {
      approvalId: String(approvalRequestsFor(arn)[0]?.Detail.approvalId),
      decision: 'reject',
      approver: APPROVER,
    });
    await t.cloud.whenIdle();

    expect(decision).toMatchObject({ ok: true, status: 'rejected', workflowNotified: true });
    const [run] = responsesOf(t, arn);
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.states).toContain('Quarantine Was Rejected');
    expect(run?.states).not.toContain('Quarantine The Principal');
    expect(run?.output).toMatchObject({
      remediation: 'quarantine',
      remediated: false,
      reason: `quarantine rejected: Rejected by ${APPROVER}`,
    });
    expect(put.filter((e) => e.DetailType === 'Read Anomaly Handled' && e.Detail.secretId === arn)).toMatchObject([
      { Detail: { remediated: false, reason: `quarantine rejected: Rejected by ${APPROVER}` } },
    ]);
    expect(await policyOf(arn)).toBeUndefined();
  });

  it('counts no decision within the approval timeout as a rejection', async () => {
    const arn = await spikeOn('approval/timed-out', 'required');
    expect(responsesOf(t, arn)).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);

    await t.clock.advance(APPROVAL_TIMEOUT_MS - 60_000);
    await t.cloud.whenIdle();
    expect(responsesOf(t, arn)).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);

    await t.clock.advance(61_000);
    await t.cloud.whenIdle();

    const [run] = responsesOf(t, arn);
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.states).toContain('Quarantine Approval Timed Out');
    expect(run?.output).toMatchObject({
      remediation: 'quarantine',
      remediated: false,
      reason: expect.stringMatching(/timed out/),
    });
    expect(await policyOf(arn)).toBeUndefined();
  });

  it('does not ask for approval when the tag says none', async () => {
    const arn = await spikeOn('approval/none', 'none');

    expect(approvalRequestsFor(arn)).toEqual([]);
    expect(responsesOf(t, arn)).toMatchObject([
      { status: 'SUCCEEDED', output: { remediation: 'quarantine', remediated: true, approvalRequired: false } },
    ]);
  });
});

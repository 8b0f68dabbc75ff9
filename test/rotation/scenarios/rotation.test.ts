// The rotation workflow end to end in the local cloud: recorded `Rotation Requested` events replayed through the bus,
// the dispatcher, Step Functions and every step, against a real PostgreSQL (postgres-single-user) and the
// random-password strategy. After every scenario the invariants hold and no secret value appears anywhere.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../../scripts/cli/stack.ts';
import {
  CANARY,
  createPostgresSecret,
  createRandomPasswordSecret,
  executionsOf,
  expectInvariants,
  expectNoSecretValues,
  failStep,
  type Harness,
  logsIn,
  ownEvents,
  readSecret,
  replay,
  startCuttableProxy,
  startHarness,
  statesEntered,
  summary,
} from './support.ts';

const APPROVAL_TIMEOUT_MS = 86_400_000;
const LINK_KEY = `link-key-${crypto.randomUUID()}-${crypto.randomUUID()}`;

let h: Harness;

const decide = (approvalId: string, decision: 'approve' | 'reject', approver: string) =>
  h.cloud.lambda.invoke(functionNamed(h.cloud.stack, 'approve'), { approvalId, decision, approver }) as Promise<
    Record<string, unknown>
  >;

const approvalIdOf = (secretArn: string): string => {
  const requested = ownEvents(h, secretArn).find((e) => e.detailType === 'Approval Requested');
  return String(requested?.detail.approvalId);
};

beforeAll(async () => {
  h = await startHarness();
  h.secretValues.add(LINK_KEY);
  await h.sm.send(new CreateSecretCommand({ Name: 'smcp/local/approval-link-key', SecretString: LINK_KEY }));
  // Handlers read the allowlist per call; the local stage configures none (nobody may approve by default).
  process.env.APPROVERS = 'bob,carol';
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

afterEach(async () => {
  await expectNoSecretValues(h);
});

// The rotation's own notifications; the failure alert's, on the workflow alerts topic, are tested in test/workflows/.
const rotationNotices = (h: { cloud: { sns: { outbox(): { TopicArn: string }[] } } }) =>
  h.cloud.sns.outbox().filter((n) => n.TopicArn.endsWith('-rotation-notifications'));

describe('rotation workflow', () => {
  it('HappyPath: rotates a PostgreSQL role without approval and the new password logs in', async () => {
    const secret = await createPostgresSecret(h, 'scenario/happy-path');

    const [execution, ...others] = await replay(h, 'rotation-happy-path');

    expect(others).toHaveLength(0);
    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'Lock Secret',
      'Lock Acquired?',
      'Plan Rotation',
      'Rotation Enabled?',
      'Needs Approval?',
      'Create Pending Version',
      'Set Secret On Target',
      'Test Pending Secret',
      'Promote Pending To Current',
      'Verify Current On Target',
      'Rotation Completed',
      'Release Lock',
      'Notify Outcome',
      'Outcome?',
      'Done',
    ]);
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSPREVIOUS']);
    const current = await readSecret(h, secret.arn);
    expect(current.versionId).not.toBe(secret.versionId);
    expect(await logsIn({ ...current.value, password: CANARY })).toBe(false);
    expect(ownEvents(h, secret.arn).map((e) => e.detailType)).toEqual(['Rotation Completed']);
    // The leak check below reads real output: the steps' structured logs are captured.
    expect(h.output.join('')).toContain('Rotation outcome reported');
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({
      outcome: 'Rotation Completed',
      requestedBy: 'alice',
      reason: 'quarterly rotation',
      requestId: 'req-happy-path',
      strategy: 'postgres-single-user',
      versionId: current.versionId,
      previousVersionId: secret.versionId,
    });
  });

  it('HappyPath (random-password): rotates a secret with no external target', async () => {
    const secret = await createRandomPasswordSecret(h, 'scenario/happy-path-random-password');

    const [execution] = await replay(h, 'rotation-happy-path-random-password');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSPREVIOUS']);
    expect(ownEvents(h, secret.arn).map((e) => e.detailType)).toEqual(['Rotation Completed']);
  });

  it('ApprovedRotation: waits for approval, refuses self-approval, rotates once an allowed approver approves', async () => {
    const secret = await createPostgresSecret(h, 'scenario/approved', { approval: 'required' });

    const [waiting] = await replay(h, 'rotation-approved');
    expect(waiting?.awaitingCallback, summary(waiting)).toBe(true);
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    const approvalId = approvalIdOf(secret.arn);
    const notification = h.cloud.sns?.outbox().find((n) => JSON.stringify(n).includes(approvalId));
    const selfApproval = await decide(approvalId, 'approve', 'alice');
    const outsider = await decide(approvalId, 'approve', 'mallory');
    const approval = await decide(approvalId, 'approve', 'bob');
    const replayed = await decide(approvalId, 'reject', 'carol');
    const [execution] = await executionsOf(h, 'rotation-approved');

    expect(JSON.stringify(notification)).toMatch(/Approve: http:\/\/\S+\?token=[\w-]+\.[\w-]+/);
    expect(JSON.stringify(notification)).toMatch(/Reject: http:\/\/\S+\?token=/);
    expect(selfApproval).toMatchObject({ ok: false, reason: 'the requester may not approve their own request' });
    expect(outsider).toMatchObject({ ok: false, reason: 'approver is not allowed to decide this request' });
    expect(approval).toMatchObject({ ok: true, status: 'approved', decidedBy: 'bob', workflowNotified: true });
    expect(replayed).toMatchObject({ ok: false, reason: 'already decided' });
    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Wait For Approval');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSPREVIOUS']);
    expect(ownEvents(h, secret.arn).map((e) => e.detailType)).toEqual([
      'Approval Requested',
      'Approval Decided',
      'Rotation Completed',
    ]);
    expect(ownEvents(h, secret.arn).at(-1)?.detail).toMatchObject({ approvalId, approvedBy: 'bob' });
  });

  it('RejectedApproval: a rejection changes nothing and is reported', async () => {
    const secret = await createPostgresSecret(h, 'scenario/rejected', { approval: 'required' });

    await replay(h, 'rotation-rejected');
    const rejection = await decide(approvalIdOf(secret.arn), 'reject', 'carol');
    const [execution] = await executionsOf(h, 'rotation-rejected');

    expect(rejection).toMatchObject({ ok: true, status: 'rejected' });
    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(expect.arrayContaining(['Rotation Rejected', 'Release Lock']));
    expect(statesEntered(execution)).not.toContain('Create Pending Version');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(Object.keys(stages)).toEqual([secret.versionId]);
    expect((await readSecret(h, secret.arn)).value.password).toBe(CANARY);
    const outcome = ownEvents(h, secret.arn).at(-1);
    expect(outcome).toMatchObject({
      detailType: 'Rotation Rejected',
      detail: { reason: 'Rejected by carol', requestedBy: 'alice' },
    });
  });

  it('ApprovalTimedOut: no decision within TimeoutSeconds counts as a rejection', async () => {
    const secret = await createPostgresSecret(h, 'scenario/approval-timed-out', { approval: 'required' });

    const [waiting] = await replay(h, 'rotation-approval-timed-out');
    expect(waiting?.awaitingCallback, summary(waiting)).toBe(true);
    await h.clock.advance(APPROVAL_TIMEOUT_MS + 1_000);
    const [execution] = await executionsOf(h, 'rotation-approval-timed-out');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Rotation Rejected');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(Object.keys(stages)).toEqual([secret.versionId]);
    expect(ownEvents(h, secret.arn).at(-1)).toMatchObject({
      detailType: 'Rotation Rejected',
      detail: { reason: expect.stringMatching(/timed out/) },
    });
  });

  it('UnreachableTarget: setSecret cannot reach the database → target and secret unchanged', async () => {
    const proxy = await startCuttableProxy(h.db.port);
    const secret = await createPostgresSecret(h, 'scenario/target-unreachable', { port: proxy.port });
    await proxy.cut();

    const [execution] = await replay(h, 'rotation-target-unreachable');
    await proxy.restore();

    try {
      expect(execution?.status, summary(execution)).toBe('FAILED');
      expect(statesEntered(execution)).toEqual(
        expect.arrayContaining(['Set Secret On Target', 'Revert Target', 'Discard Pending Version', 'Rotation Failed']),
      );
      expect(statesEntered(execution)).not.toContain('Promote Pending To Current');
      const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
      expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
      expect((await readSecret(h, secret.arn)).value.password).toBe(CANARY);
      expect(ownEvents(h, secret.arn).at(-1)).toMatchObject({
        detailType: 'Rotation Failed',
        detail: { error: { name: 'TargetUnreachableError' } },
      });
    } finally {
      await proxy.stop();
    }
  });

  it('FailedTest: testSecret fails → target reverted, AWSPENDING discarded', async () => {
    const secret = await createPostgresSecret(h, 'scenario/test-secret-fails');
    const restore = failStep(
      h,
      (fn, payload) => fn.endsWith('-rotationTarget') && payload.operation === 'testPending',
      { name: 'VerificationFailedError', message: 'AWSPENDING failed its test: injected by the scenario' },
    );

    const [execution] = await replay(h, 'rotation-test-secret-fails').finally(restore);

    expect(execution?.status, summary(execution)).toBe('FAILED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining(['Test Pending Secret', 'Revert Target', 'Discard Pending Version', 'Rotation Failed']),
    );
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    const current = await readSecret(h, secret.arn);
    expect(current.value.password).toBe(CANARY);
    expect(ownEvents(h, secret.arn).at(-1)).toMatchObject({
      detailType: 'Rotation Failed',
      detail: { error: { name: 'VerificationFailedError' } },
    });
  });

  it('RollbackAfterFailedVerify: verification fails after promotion → rolled back, the previous password logs in', async () => {
    const secret = await createPostgresSecret(h, 'scenario/rollback-after-failed-verify');
    const restore = failStep(
      h,
      (fn, payload) =>
        fn.endsWith('-rotationTarget') &&
        payload.operation === 'verifyCurrent' &&
        payload.expectCurrent === payload.token,
      { name: 'VerificationFailedError', message: 'AWSCURRENT failed verification: injected by the scenario' },
    );

    const [execution] = await replay(h, 'rotation-rollback-after-failed-verify').finally(restore);

    expect(execution?.status, summary(execution)).toBe('FAILED');
    expect(execution?.error).toBe('RotationRolledBack');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining([
        'Promote Pending To Current',
        'Verify Current On Target',
        'Roll Back To Previous',
        'Restore Previous On Target',
        'Verify Rollback',
        'Rotation Rolled Back',
        'Release Lock',
      ]),
    );
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    const failed = Object.entries(stages).find(([id]) => id !== secret.versionId);
    expect(failed?.[1]).toEqual(['AWSPREVIOUS']);
    const current = await readSecret(h, secret.arn);
    expect(current.value.password).toBe(CANARY);
    expect(await logsIn(current.value)).toBe(true);
    const rejectedNew = await readSecret(h, secret.arn, 'AWSPREVIOUS');
    expect(await logsIn(rejectedNew.value)).toBe(false);
    expect(ownEvents(h, secret.arn).at(-1)).toMatchObject({
      detailType: 'Rotation Rolled Back',
      detail: { error: { name: 'VerificationFailedError' }, previousVersionId: secret.versionId },
    });
    expect(JSON.stringify(rotationNotices(h).at(-1))).toContain('Rotation Rolled Back');
  });

  it('DuplicateDelivery: the same event delivered twice starts one execution', async () => {
    const secret = await createRandomPasswordSecret(h, 'scenario/duplicate-delivery');

    const executions = await replay(h, 'rotation-duplicate-delivery');

    expect(executions).toHaveLength(1);
    expect(executions[0]?.status, summary(executions[0])).toBe('SUCCEEDED');
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(ownEvents(h, secret.arn).map((e) => e.detailType)).toEqual(['Rotation Completed']);
  });

  it('ConcurrentRequests: two requests at once → one rotation, the other skipped with the reason', async () => {
    const secret = await createPostgresSecret(h, 'scenario/concurrent-requests');

    const executions = await replay(h, 'rotation-concurrent-requests');

    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(Object.keys(stages)).toHaveLength(2);
    const outcomes = ownEvents(h, secret.arn);
    expect(outcomes.map((e) => e.detailType).sort()).toEqual(['Rotation Completed', 'Rotation Skipped']);
    expect(outcomes.find((e) => e.detailType === 'Rotation Skipped')?.detail.reason).toMatch(
      /another rotation of this secret is running/,
    );
  });
});

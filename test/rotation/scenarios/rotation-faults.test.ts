// The same rotation scenarios with Secrets Manager throttling and 5xx errors injected by the local cloud: the SDK's
// retries and the workflow's Retry (TransientAwsError) absorb them, so the outcomes are the same. A file of its own:
// handlers keep their SDK clients for the process, and this cloud runs with faults from the start.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  createPostgresSecret,
  expectInvariants,
  expectNoSecretValues,
  failStep,
  type Harness,
  logsIn,
  ownEvents,
  readSecret,
  replay,
  startHarness,
  summary,
} from './support.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ faults: 'secretsmanager:throttle=0.2,5xx=0.05' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

afterEach(async () => {
  await expectNoSecretValues(h);
});

describe('rotation workflow under injected Secrets Manager faults', () => {
  it('HappyPath still completes with working credentials', async () => {
    const secret = await createPostgresSecret(h, 'scenario/faults-injected');

    const [execution] = await replay(h, 'rotation-faults-injected');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSPREVIOUS']);
    expect(ownEvents(h, secret.arn).map((e) => e.detailType)).toEqual(['Rotation Completed']);
    expect(h.cloud.faults.injected().throttle).toBeGreaterThan(0);
  });

  it('RollbackAfterFailedVerify still rolls back to the previous password', async () => {
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

    expect(execution?.error, summary(execution)).toBe('RotationRolledBack');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    const current = await readSecret(h, secret.arn);
    expect(current.value.password).toBe(CANARY);
    expect(await logsIn(current.value)).toBe(true);
  });

  it('FailedTest still discards AWSPENDING and reverts the target', async () => {
    const secret = await createPostgresSecret(h, 'scenario/test-secret-fails');
    const restore = failStep(
      h,
      (fn, payload) => fn.endsWith('-rotationTarget') && payload.operation === 'testPending',
      { name: 'VerificationFailedError', message: 'AWSPENDING failed its test: injected by the scenario' },
    );

    const [execution] = await replay(h, 'rotation-test-secret-fails').finally(restore);

    expect(execution?.error, summary(execution)).toBe('RotationFailed');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    expect((await readSecret(h, secret.arn)).value.password).toBe(CANARY);
  });
});

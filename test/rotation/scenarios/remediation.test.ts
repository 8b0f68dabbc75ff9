// The rotation-verification and rotation-remediation workflows end to end in the local cloud: recorded Secrets Manager
// service events replayed through the bus and the dispatcher, every step against a real PostgreSQL. Native rotations
// are simulated the way a rotation function leaves a secret (PutSecretValue, ALTER ROLE); after every scenario the
// invariants hold and no secret value appears anywhere.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadRecordedEvents } from '../../../local/replay/load.ts';
import { type SettledExecution, settle } from '../../../local/settle.ts';
import {
  CANARY,
  createPostgresSecret,
  expectInvariants,
  expectNoSecretValues,
  type Harness,
  logsIn,
  ownEvents,
  readSecret,
  replay,
  stagesOf,
  startHarness,
  statesEntered,
  summary,
} from './support.ts';

const RECORDED = new URL('../../../events/recorded/', import.meta.url).pathname;
const LOCKS_TABLE = 'smcp-local-rotation-locks';
const SETUP_OWNER = 'scenario-setup';
/** The first version of the own-rollback scenario's secret: its recorded label event names it. */
const OWN_ROLLBACK_FIRST_VERSION = '11111111-1111-4111-8111-000000000003';

let h: Harness;
let roles = 0;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

afterEach(async () => {
  await expectNoSecretValues(h);
});

/** The executions of one workflow that a scenario's recorded events started (execution name = event id). */
const runsOf = async (workflow: string, scenario: string): Promise<SettledExecution[]> => {
  const ids = new Set(loadRecordedEvents([join(RECORDED, scenario)]).map(({ event }) => event.id));
  return (await settle(h.cloud)).filter((e) => e.workflow === workflow && ids.has(e.name));
};

/** Every execution of a workflow so far (including those our own label moves started). */
const allRunsOf = async (workflow: string) => (await settle(h.cloud)).filter((e) => e.workflow === workflow);

const newPassword = () => {
  const password = `pw-${randomUUID()}`;
  h.secretValues.add(password);
  return password;
};

/** A postgres-single-user secret whose first version has a fixed id (recorded label events name it). */
const createSecretWithVersion = async (name: string, versionId: string) => {
  roles += 1;
  const username = `remediation_user_${roles}`;
  await h.db.query(`CREATE ROLE ${username} LOGIN PASSWORD ${pg.escapeLiteral(CANARY)}`);
  const value = {
    engine: 'postgres',
    host: h.db.host,
    port: h.db.port,
    username,
    password: CANARY,
    dbname: h.db.database,
  };
  const out = await h.sm.send(
    new CreateSecretCommand({
      Name: name,
      ClientRequestToken: versionId,
      SecretString: JSON.stringify({ ...value, note: CANARY }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'postgres-single-user' },
        { Key: 'smcp:approval', Value: 'none' },
      ],
    }),
  );
  return { arn: out.ARN ?? name, versionId: out.VersionId ?? '', username };
};

/**
 * Holds the rotation lock while a test arranges the secret, so the verifications its own label moves start skip
 * (as they do while any rotation of the secret runs). Released before the scenario's events are replayed.
 */
const withLockHeld = async (secretArn: string, arrange: () => Promise<void>) => {
  await h.clients.ddb.send(
    new PutItemCommand({
      TableName: LOCKS_TABLE,
      Item: {
        lockKey: { S: secretArn },
        owner: { S: SETUP_OWNER },
        acquiredAt: { S: '2026-01-01T00:00:00.000Z' },
        expiresAt: { S: '2999-01-01T00:00:00.000Z' },
      },
    }),
  );
  try {
    await arrange();
    await settle(h.cloud);
  } finally {
    await h.clients.ddb.send(new DeleteItemCommand({ TableName: LOCKS_TABLE, Key: { lockKey: { S: secretArn } } }));
  }
};

/** What a rotation function leaves: a new version under AWSCURRENT (the old one becomes AWSPREVIOUS). */
const putCurrent = async (secretArn: string, password: string, versionId = randomUUID()) => {
  const { value } = await readSecret(h, secretArn);
  await h.sm.send(
    new PutSecretValueCommand({
      SecretId: secretArn,
      ClientRequestToken: versionId,
      SecretString: JSON.stringify({ ...value, password }),
      VersionStages: ['AWSCURRENT'],
    }),
  );
  return versionId;
};

const putPending = async (secretArn: string, password: string) => {
  const { value } = await readSecret(h, secretArn);
  const versionId = randomUUID();
  await h.sm.send(
    new PutSecretValueCommand({
      SecretId: secretArn,
      ClientRequestToken: versionId,
      SecretString: JSON.stringify({ ...value, password }),
      VersionStages: ['AWSPENDING'],
    }),
  );
  return versionId;
};

const setRolePassword = (username: string, password: string) =>
  h.db.query(`ALTER ROLE ${username} WITH PASSWORD ${pg.escapeLiteral(password)}`);

const tagsOf = async (secretArn: string) =>
  Object.fromEntries(
    ((await h.sm.send(new DescribeSecretCommand({ SecretId: secretArn }))).Tags ?? []).map((t) => [t.Key, t.Value]),
  );

const eventTypes = (secretArn: string) => ownEvents(h, secretArn).map((e) => e.detailType);

describe('rotation-verification workflow', () => {
  it('WorkingCredentials: RotationSucceeded with credentials that log in → verified, nothing changed', async () => {
    const secret = await createPostgresSecret(h, 'scenario/verification-working');
    const password = newPassword();
    let rotated = '';
    await withLockHeld(secret.arn, async () => {
      rotated = await putCurrent(secret.arn, password);
      await setRolePassword(secret.username, password);
    });
    const before = await stagesOf(h, secret.arn);

    const [execution, ...others] = await replay(h, 'verification-working-credentials').then(() =>
      runsOf('rotation-verification', 'verification-working-credentials'),
    );

    expect(others).toHaveLength(0);
    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining(['Lock Secret', 'Inspect Secret', 'Test Current On Target', 'Rotation Verified']),
    );
    expect(statesEntered(execution)).not.toContain('Roll Back To Previous');
    expect(await stagesOf(h, secret.arn)).toEqual(before);
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, rotated] });
    expect(eventTypes(secret.arn)).toEqual(['Rotation Verified']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({
      workflow: 'rotation-verification',
      versionId: rotated,
      previousVersionId: secret.versionId,
      strategy: 'postgres-single-user',
      trigger: { rule: 'rotation-succeeded', eventName: 'RotationSucceeded' },
    });
  });

  it('BrokenCredentials: RotationSucceeded with credentials that do not log in → rolled back, the previous password logs in', async () => {
    const secret = await createPostgresSecret(h, 'scenario/verification-broken');
    let broken = '';
    await withLockHeld(secret.arn, async () => {
      broken = await putCurrent(secret.arn, newPassword());
    });
    const executionsBefore = (await allRunsOf('rotation-verification')).length;

    await replay(h, 'verification-broken-credentials');
    const [execution] = await runsOf('rotation-verification', 'verification-broken-credentials');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining([
        'Test Current On Target',
        'Mark Roll Back',
        'Roll Back To Previous',
        'Restore Previous On Target',
        'Verify Rollback',
        'Rotation Rolled Back',
        'Release Lock',
        'Notify Outcome',
      ]),
    );
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, broken] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    expect(stages[broken]).toEqual(['AWSPREVIOUS']);
    expect((await readSecret(h, secret.arn)).value.password).toBe(CANARY);
    expect((await tagsOf(secret.arn))['smcp:rolled-back-from']).toBe(broken);
    // Our roll back moved AWSCURRENT, which started another verification: it must not roll back again.
    const runs = await allRunsOf('rotation-verification');
    expect(runs.length).toBe(executionsBefore + 2);
    for (const run of runs.slice(executionsBefore)) expect(run.status, summary(run)).toBe('SUCCEEDED');
    expect(eventTypes(secret.arn)).toEqual(['Rotation Rolled Back']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({
      workflow: 'rotation-verification',
      versionId: broken,
      previousVersionId: secret.versionId,
      error: { name: 'VerificationFailedError' },
    });
    expect(JSON.stringify(h.cloud.sns?.outbox().at(-1))).toContain('Rotation Rolled Back');
  });

  it('AfterOwnRollback: the Secret Label Updated of our own roll back never rolls back again, even if AWSCURRENT breaks', async () => {
    const secret = await createSecretWithVersion('scenario/verification-own-rollback', OWN_ROLLBACK_FIRST_VERSION);
    let broken = '';
    await withLockHeld(secret.arn, async () => {
      broken = await putCurrent(secret.arn, newPassword());
    });
    const files = loadRecordedEvents([join(RECORDED, 'verification-after-own-rollback')]);
    const bus = h.cloud.bus;
    if (!bus) throw new Error('the local cloud has no bus');
    const [succeeded, labelUpdated] = files.map(({ event }) => event);
    bus.publish(succeeded as never);
    await settle(h.cloud);
    expect((await stagesOf(h, secret.arn))[OWN_ROLLBACK_FIRST_VERSION]).toEqual(['AWSCURRENT']);
    // Make AWSCURRENT fail too: without the guard a verification would now roll "back" to the broken version.
    await setRolePassword(secret.username, newPassword());

    bus.publish(labelUpdated as never);
    const [again] = await runsOf('rotation-verification', 'verification-after-own-rollback').then((runs) =>
      runs.filter((run) => run.name === labelUpdated?.id),
    );
    const stages = await stagesOf(h, secret.arn);
    await setRolePassword(secret.username, CANARY);

    expect(again?.status, summary(again)).toBe('SUCCEEDED');
    expect(statesEntered(again)).toContain('Skipped Quietly');
    expect(statesEntered(again)).not.toContain('Test Current On Target');
    expect(stages[OWN_ROLLBACK_FIRST_VERSION]).toEqual(['AWSCURRENT']);
    expect(stages[broken]).toEqual(['AWSPREVIOUS']);
    expect(eventTypes(secret.arn)).toEqual(['Rotation Rolled Back']);
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, broken] });
  });

  it('OrchestratedRotation: the label moves of an orchestrated rotation are left to it (no second verification event)', async () => {
    const secret = await createPostgresSecret(h, 'scenario/happy-path');
    const executionsBefore = (await allRunsOf('rotation-verification')).length;

    await replay(h, 'rotation-happy-path');
    const runs = (await allRunsOf('rotation-verification')).slice(executionsBefore);

    expect(runs.length).toBe(1);
    expect(runs[0]?.status, summary(runs[0])).toBe('SUCCEEDED');
    expect(statesEntered(runs[0])).not.toContain('Test Current On Target');
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
    expect(eventTypes(secret.arn)).toEqual(['Rotation Completed']);
  });

  it('DuplicateDelivery: the same RotationSucceeded delivered twice starts one verification', async () => {
    const secret = await createPostgresSecret(h, 'scenario/verification-duplicate');
    const password = newPassword();
    await withLockHeld(secret.arn, async () => {
      await putCurrent(secret.arn, password);
      await setRolePassword(secret.username, password);
    });

    await replay(h, 'verification-duplicate-delivery');
    const runs = await runsOf('rotation-verification', 'verification-duplicate-delivery');

    expect(runs).toHaveLength(1);
    expect(runs[0]?.status, summary(runs[0])).toBe('SUCCEEDED');
    expect(eventTypes(secret.arn)).toEqual(['Rotation Verified']);
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
  });
});

describe('rotation-remediation workflow', () => {
  it('DanglingPending: RotationFailed at setSecret → AWSPENDING cleared (version kept), AWSCURRENT still logs in', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-dangling');
    const pending = await putPending(secret.arn, newPassword());

    await replay(h, 'remediation-dangling-pending');
    const [execution] = await runsOf('rotation-remediation', 'remediation-dangling-pending');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining(['Diagnose Failure', 'Clear Pending Version', 'Remediated', 'Release Lock']),
    );
    expect(statesEntered(execution)).not.toContain('Roll Back To Previous');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, pending] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    expect((await readSecret(h, secret.arn)).value.password).toBe(CANARY);
    expect(eventTypes(secret.arn)).toEqual(['Rotation Remediated']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({
      workflow: 'rotation-remediation',
      requestedBy: 'rotation-remediation',
      failedStep: 'setSecret',
      currentCredentials: 'working',
      pendingVersionId: pending,
      actions: [`removed AWSPENDING from version ${pending}`],
      retryRequested: false,
      trigger: { rule: 'rotation-failed', eventName: 'RotationFailed' },
    });
    expect(JSON.stringify(h.cloud.sns?.outbox().at(-1))).toContain('Rotation Remediated');
  });

  it('TargetOnPending: the failed rotation left the pending password on PostgreSQL → AWSCURRENT restored on the target', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-target-on-pending');
    const pendingPassword = newPassword();
    const pending = await putPending(secret.arn, pendingPassword);
    await setRolePassword(secret.username, pendingPassword);

    await replay(h, 'remediation-target-on-pending');
    const [execution] = await runsOf('rotation-remediation', 'remediation-target-on-pending');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining(['Restore Current On Target', 'Verify Restored Current', 'Clear Pending Version']),
    );
    expect(statesEntered(execution)).not.toContain('Roll Back To Previous');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, pending] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    expect(ownEvents(h, secret.arn).at(-1)?.detail).toMatchObject({
      outcome: 'Rotation Remediated',
      failedStep: 'testSecret',
      currentCredentials: 'broken',
      actions: ['restored AWSCURRENT on the target', `removed AWSPENDING from version ${pending}`],
    });
  });

  it('BrokenCurrent: AWSCURRENT does not log in → rolled back to AWSPREVIOUS, the previous password logs in', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-broken-current');
    let broken = '';
    await withLockHeld(secret.arn, async () => {
      broken = await putCurrent(secret.arn, newPassword());
    });
    const verificationsBefore = (await allRunsOf('rotation-verification')).length;

    await replay(h, 'remediation-broken-current');
    const [execution] = await runsOf('rotation-remediation', 'remediation-broken-current');

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual(
      expect.arrayContaining([
        'Diagnose Failure',
        'Mark Roll Back',
        'Roll Back To Previous',
        'Restore Previous On Target',
        'Verify Rollback',
        'Remediated',
      ]),
    );
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, broken] });
    expect(stages[secret.versionId]).toEqual(['AWSCURRENT']);
    expect(stages[broken]).toEqual(['AWSPREVIOUS']);
    const current = await readSecret(h, secret.arn);
    expect(current.value.password).toBe(CANARY);
    expect(await logsIn(current.value)).toBe(true);
    // The roll back's own label move started a verification; it left the secret alone and reported nothing.
    const verifications = (await allRunsOf('rotation-verification')).slice(verificationsBefore);
    expect(verifications).toHaveLength(1);
    expect(statesEntered(verifications[0])).not.toContain('Test Current On Target');
    expect(eventTypes(secret.arn)).toEqual(['Rotation Remediated']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({
      failedStep: 'finishSecret',
      currentCredentials: 'broken',
      actions: [
        `rolled AWSCURRENT back to version ${secret.versionId}`,
        'restored the previous credentials on the target',
      ],
    });
  });

  it('OrchestratedRetry: a remediated secret tagged smcp:rotation=orchestrated gets an orchestrated rotation', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-retry');
    await h.sm.send(
      new TagResourceCommand({ SecretId: secret.arn, Tags: [{ Key: 'smcp:rotation', Value: 'orchestrated' }] }),
    );
    const pending = await putPending(secret.arn, newPassword());

    await replay(h, 'remediation-orchestrated-retry');
    const [execution] = await runsOf('rotation-remediation', 'remediation-orchestrated-retry');
    const rotations = (await allRunsOf('rotation')).filter((run) =>
      JSON.stringify(run.history).includes('scenario/remediation-retry'),
    );

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(rotations).toHaveLength(1);
    expect(rotations[0]?.status, summary(rotations[0])).toBe('SUCCEEDED');
    const stages = await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, pending] });
    expect(stages[secret.versionId]).toEqual(['AWSPREVIOUS']);
    expect(eventTypes(secret.arn)).toEqual(['Rotation Remediated', 'Rotation Requested', 'Rotation Completed']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({ retryRequested: true });
    expect(ownEvents(h, secret.arn)[1]?.detail).toMatchObject({ requestedBy: 'rotation-remediation' });
    expect(ownEvents(h, secret.arn)[2]?.detail).toMatchObject({ requestedBy: 'rotation-remediation' });
  });

  it('WhileLocked: an orchestrated rotation holds the lock → reported, nothing changed', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-locked');
    const pending = await putPending(secret.arn, newPassword());
    let execution: SettledExecution | undefined;
    await withLockHeld(secret.arn, async () => {
      await replay(h, 'remediation-while-locked');
      [execution] = await runsOf('rotation-remediation', 'remediation-while-locked');
    });

    expect(execution?.status, summary(execution)).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toContain('Remediation Skipped');
    expect(statesEntered(execution)).not.toContain('Release Lock');
    expect((await stagesOf(h, secret.arn))[pending]).toEqual(['AWSPENDING']);
    expect(ownEvents(h, secret.arn)[0]).toMatchObject({
      detailType: 'Rotation Remediation Skipped',
      detail: { failedStep: 'abandoned', reason: expect.stringMatching(/another rotation of this secret is running/) },
    });
    // The invariants hold once the (simulated) rotation finishes and clears its own AWSPENDING.
    await h.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: pending,
      }),
    );
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId, pending] });
  });

  it('DuplicateDelivery: the same RotationFailed delivered twice starts one remediation', async () => {
    const secret = await createPostgresSecret(h, 'scenario/remediation-duplicate');

    await replay(h, 'remediation-duplicate-delivery');
    const runs = await runsOf('rotation-remediation', 'remediation-duplicate-delivery');

    expect(runs).toHaveLength(1);
    expect(runs[0]?.status, summary(runs[0])).toBe('SUCCEEDED');
    expect(eventTypes(secret.arn)).toEqual(['Rotation Remediated']);
    expect(ownEvents(h, secret.arn)[0]?.detail).toMatchObject({ failedStep: 'createSecret', actions: [] });
    await expectInvariants(h, secret.arn, { versionsBefore: [secret.versionId] });
  });
});

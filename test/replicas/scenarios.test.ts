// The replica-repair workflow end to end in the local cloud: each recorded scenario (events/recorded/replica-*)
// replayed through the bus, the dispatcher, Step Functions and every step, against the Secrets Manager emulator's
// replicas and faults. After every scenario the invariants hold and no secret value appears anywhere.
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../scripts/cli/stack.ts';
import {
  expectInvariants,
  expectNoSecretValues,
  type Harness,
  ownEvents,
  replay,
  rowsOf,
  settled,
  snapshotOf,
  startHarness,
  statesEntered,
  summary,
} from './support.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

afterEach(async () => {
  await expectNoSecretValues(h);
});

const only = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe('replica-repair workflow', () => {
  it('NameConflict: escalates and leaves the other secret alone without smcp:replica-overwrite', async () => {
    const run = await replay(h, 'replica-name-conflict');

    const execution = only(run.executions);
    expect(execution.status, summary(execution)).toBe('SUCCEEDED');
    expect(rowsOf(execution)).toMatchObject([
      {
        region: 'us-west-2',
        statusBefore: 'Failed',
        class: 'name-conflict',
        action: 'escalate',
        statusAfter: 'Failed',
        outcome: 'escalated',
      },
    ]);
    expect(statesEntered(execution)).not.toContain('Start The Repair');
    await expectInvariants(h, run);
    const foreign = await snapshotOf(h, 'replicas/name-conflict', 'us-west-2');
    expect(foreign?.arn).toBe(run.before.get('replicas/name-conflict@us-west-2')?.arn);
    expect(ownEvents(h, 'replicas/name-conflict').map((e) => e.detailType)).toEqual([
      'Replica Repair Planned',
      'Replica Repair Failed',
    ]);
    const escalation = h.cloud.sns.outbox().find((n) => n.Subject?.includes('replicas/name-conflict'));
    expect(escalation?.Message).toContain('smcp:replica-overwrite=allow');
  });

  it('NameConflictOverwrite: ForceOverwriteReplicaSecret with the tag, InSync and serving AWSCURRENT', async () => {
    const run = await replay(h, 'replica-name-conflict-overwrite');

    const execution = only(run.executions);
    expect(execution.status, summary(execution)).toBe('SUCCEEDED');
    expect(rowsOf(execution)).toMatchObject([
      { region: 'us-west-2', class: 'name-conflict', action: 'overwrite', statusAfter: 'InSync', outcome: 'repaired' },
    ]);
    await expectInvariants(h, run);
    const [repaired] = ownEvents(h, 'replicas/name-conflict-overwrite').filter(
      (e) => e.detailType === 'Replica Repaired',
    );
    expect(repaired?.detail.regions).toMatchObject([
      { region: 'us-west-2', action: 'overwrite', statusAfter: 'InSync' },
    ]);
  });

  it('KmsParamKey: replicates with the stage replicaKmsKeys key for the region', async () => {
    const run = await replay(h, 'replica-kms-param-key');

    const execution = only(run.executions);
    expect(execution.status, summary(execution)).toBe('SUCCEEDED');
    expect(rowsOf(execution)).toMatchObject([
      { region: 'us-west-2', class: 'kms-key-disabled', action: 'rekey', statusAfter: 'InSync', outcome: 'repaired' },
    ]);
    await expectInvariants(h, run);
    const after = await snapshotOf(h, 'replicas/kms-param-key');
    expect(after?.replicas).toEqual([{ region: 'us-west-2', status: 'InSync', kmsKeyId: 'alias/smcp-local-replica' }]);
  });

  it('KmsFallback: replicates with aws/secretsmanager when smcp:replica-kms-fallback is allow', async () => {
    const run = await replay(h, 'replica-kms-fallback');

    const execution = only(run.executions);
    expect(rowsOf(execution), summary(execution)).toMatchObject([
      { region: 'eu-west-1', class: 'kms-key-missing', action: 'rekey', statusAfter: 'InSync', outcome: 'repaired' },
    ]);
    await expectInvariants(h, run);
    const after = await snapshotOf(h, 'replicas/kms-fallback');
    expect(after?.replicas).toEqual([{ region: 'eu-west-1', status: 'InSync', kmsKeyId: 'alias/aws/secretsmanager' }]);
  });

  it('KmsEscalated: with neither a stage key nor the fallback tag, the replica is left as it is and escalated', async () => {
    const run = await replay(h, 'replica-kms-escalated');

    const execution = only(run.executions);
    expect(rowsOf(execution), summary(execution)).toMatchObject([
      { region: 'eu-west-1', class: 'kms-key-denied', action: 'escalate', statusAfter: 'Failed', outcome: 'escalated' },
    ]);
    await expectInvariants(h, run);
    const after = await snapshotOf(h, 'replicas/kms-escalated');
    expect(after?.replicas).toEqual([{ region: 'eu-west-1', status: 'Failed', kmsKeyId: 'alias/app-eu' }]);
    const escalation = h.cloud.sns.outbox().find((n) => n.Subject?.includes('replicas/kms-escalated'));
    expect(escalation?.Message).toMatch(/kms:GenerateDataKey/);
  });

  it('RegionNotEnabled: escalates, never replicates into an opt-in Region that is off', async () => {
    const run = await replay(h, 'replica-region-not-enabled');

    const execution = only(run.executions);
    expect(rowsOf(execution), summary(execution)).toMatchObject([
      { region: 'ap-east-1', class: 'region-not-enabled', action: 'escalate', outcome: 'escalated' },
    ]);
    expect(statesEntered(execution)).not.toContain('Start The Repair');
    await expectInvariants(h, run);
    expect(ownEvents(h, 'replicas/region-not-enabled').at(-1)).toMatchObject({
      detailType: 'Replica Repair Failed',
      detail: { escalated: true, regions: [{ region: 'ap-east-1', class: 'region-not-enabled' }] },
    });
  });

  it('Transient: replicates again with backoff until the fault clears (after 2), under the shared write quota', async () => {
    const run = await replay(h, 'replica-transient');

    const execution = only(run.executions);
    expect(execution.status, summary(execution)).toBe('SUCCEEDED');
    expect(rowsOf(execution)).toMatchObject([
      { region: 'us-west-2', class: 'transient', action: 'retry', statusAfter: 'InSync', outcome: 'repaired' },
    ]);
    // Each failed attempt put a ReplicationFailed on the bus: those executions found the secret locked and left it.
    const others = run.all.filter((e) => e.workflow === 'replica-repair' && e !== execution);
    expect(others.length).toBeGreaterThan(0);
    for (const other of others)
      expect(
        rowsOf(other).map((r) => r.outcome),
        summary(other),
      ).toEqual(['skipped']);
    expect(statesEntered(execution).filter((s) => s === 'Check The Replicas').length).toBeGreaterThanOrEqual(3);
    await expectInvariants(h, run);
  });

  it('DuplicateDelivery: the same ReplicationFailed event twice starts one repair', async () => {
    const run = await replay(h, 'replica-duplicate-delivery');

    const execution = only(run.executions);
    expect(rowsOf(execution), summary(execution)).toMatchObject([{ region: 'us-west-2', outcome: 'repaired' }]);
    expect(ownEvents(h, 'replicas/duplicate').filter((e) => e.detailType === 'Replica Repaired')).toHaveLength(1);
    await expectInvariants(h, run);
  });

  it('DriftAdd: adds the regions smcp:replicas lists, with the key it names', async () => {
    const run = await replay(h, 'replica-drift-add');

    const execution = only(run.executions);
    expect(rowsOf(execution), summary(execution)).toEqual([
      expect.objectContaining({ region: 'us-west-2', action: 'none', outcome: 'in-sync' }),
      expect.objectContaining({
        region: 'eu-west-1',
        statusBefore: 'Missing',
        action: 'add',
        statusAfter: 'InSync',
        outcome: 'repaired',
      }),
    ]);
    await expectInvariants(h, run);
    const after = await snapshotOf(h, 'replicas/drift-add');
    expect(after?.replicas).toContainEqual({ region: 'eu-west-1', status: 'InSync', kmsKeyId: 'alias/app-eu' });
    expect(ownEvents(h, 'replicas/drift-add').map((e) => e.detailType)).toContain('Replica Drift Detected');
  });

  it('DriftExtra: reports an extra region, and removes it only where smcp:replica-prune is allow', async () => {
    const run = await replay(h, 'replica-drift-extra');

    const execution = only(run.executions);
    const rows = rowsOf(execution);
    expect(
      rows.filter((r) => r.name === 'replicas/drift-extra'),
      summary(execution),
    ).toEqual([
      expect.objectContaining({ region: 'us-west-2', outcome: 'in-sync' }),
      expect.objectContaining({ region: 'eu-west-1', action: 'report', statusAfter: 'InSync', outcome: 'reported' }),
    ]);
    expect(rows.filter((r) => r.name === 'replicas/drift-extra-prune')).toEqual([
      expect.objectContaining({ region: 'us-west-2', outcome: 'in-sync' }),
      expect.objectContaining({ region: 'eu-west-1', action: 'prune', statusAfter: 'Removed', outcome: 'pruned' }),
    ]);
    await expectInvariants(h, run);
    expect((await snapshotOf(h, 'replicas/drift-extra'))?.replicas.map((r) => r.region).sort()).toEqual([
      'eu-west-1',
      'us-west-2',
    ]);
    expect((await snapshotOf(h, 'replicas/drift-extra-prune'))?.replicas.map((r) => r.region)).toEqual(['us-west-2']);
    const drift = ownEvents(h, 'replicas/drift-extra').find((e) => e.detailType === 'Replica Drift Detected');
    expect(drift?.detail).toMatchObject({ extra: ['eu-west-1'], missing: [], pruneAllowed: false });
  });

  it('DryRun: plans and reports every region, changes nothing and takes no lock', async () => {
    const run = await replay(h, 'replica-dry-run');

    const execution = only(run.executions);
    const rows = rowsOf(execution);
    expect(rows, summary(execution)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'replicas/dry-run-conflict',
          action: 'overwrite',
          statusAfter: 'Failed',
          outcome: 'planned',
        }),
        expect.objectContaining({
          name: 'replicas/dry-run-drift',
          region: 'eu-west-1',
          action: 'add',
          statusAfter: 'Missing',
          outcome: 'planned',
        }),
      ]),
    );
    // In sync and no tag: not even a candidate.
    expect(rows.some((r) => r.name === 'replicas/dry-run-in-sync')).toBe(false);
    expect(statesEntered(execution)).not.toContain('Lock The Secret');
    expect(statesEntered(execution)).not.toContain('Start The Repair');
    await expectInvariants(h, run);
    for (const name of ['replicas/dry-run-conflict', 'replicas/dry-run-drift']) {
      expect((await snapshotOf(h, name))?.replicas).toEqual(run.before.get(`${name}@us-east-1`)?.replicas);
      const types = ownEvents(h, name).map((e) => e.detailType);
      expect(types).not.toContain('Replica Repaired');
      expect(types).not.toContain('Replica Repair Failed');
    }
    expect(ownEvents(h, 'replicas/dry-run-conflict')[0]?.detail).toMatchObject({ dryRun: true });
  });

  it('Approval: waits under the lock; approved repairs, rejected changes nothing', async () => {
    const run = await replay(h, 'replica-approval');
    const [approved, rejected] = run.executions;
    expect(approved?.awaitingCallback, summary(approved)).toBe(true);
    expect(rejected?.awaitingCallback, summary(rejected)).toBe(true);
    const arnOf = (name: string) => run.before.get(`${name}@us-east-1`)?.arn ?? name;
    const approvalId = (name: string) =>
      String(ownEvents(h, arnOf(name)).find((e) => e.detailType === 'Approval Requested')?.detail.approvalId);
    const decide = (id: string, decision: 'approve' | 'reject') =>
      h.cloud.lambda.invoke(functionNamed(h.cloud.stack, 'approve'), {
        approvalId: id,
        decision,
        approver: 'local-operator',
      });
    const requested = ownEvents(h, arnOf('replicas/approval-approved')).find(
      (e) => e.detailType === 'Approval Requested',
    );

    await decide(approvalId('replicas/approval-approved'), 'approve');
    await decide(approvalId('replicas/approval-rejected'), 'reject');
    const after = await settled(h);

    expect(requested?.detail).toMatchObject({ action: 'repair-replica' });
    const final = (name: string | undefined) => after.find((e) => e.name === name);
    expect(rowsOf(final(approved?.name)), summary(final(approved?.name))).toMatchObject([
      { region: 'us-west-2', action: 'retry', outcome: 'repaired', statusAfter: 'InSync' },
    ]);
    expect(rowsOf(final(rejected?.name))).toMatchObject([
      { region: 'us-west-2', action: 'retry', outcome: 'rejected', statusAfter: 'Failed' },
    ]);
    expect(statesEntered(final(rejected?.name))).toEqual(
      expect.arrayContaining(['Repair Was Rejected', 'Release The Lock']),
    );
    const untouched = await h.sm().send(new DescribeSecretCommand({ SecretId: 'replicas/approval-rejected' }));
    expect(untouched.ReplicationStatus?.[0]?.Status).toBe('Failed');
    await expectInvariants(h, {
      ...run,
      executions: after.filter((e) => run.executions.some((x) => x.name === e.name)),
    });
  });
});

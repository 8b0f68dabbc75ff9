// The soak's invariants (scripts/bench/soak/invariants.ts and the replica and cleanup checks it runs): a state where
// everything went right passes, and each broken state is caught by the invariant that names it.
import { describe, expect, it } from 'vitest';
import type { ApiCall } from '../../scripts/bench/soak/api-calls.ts';
import { apiCallsOf } from '../../scripts/bench/soak/api-calls.ts';
import type { CleanupSecretState } from '../../scripts/bench/soak/cleanup-invariants.ts';
import { checkInvariants, type FinalState } from '../../scripts/bench/soak/invariants.ts';
import type {
  ApprovalState,
  ReplicaRowState,
  ReplicaSecretState,
} from '../../scripts/bench/soak/replica-invariants.ts';

const ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`;
const EXECUTION = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:smcp-local-replica-repair:${name}`;

const replicaSecret = (overrides: Partial<ReplicaSecretState> = {}): ReplicaSecretState => ({
  name: 'soak/replica-0',
  arn: ARN('soak/replica-0'),
  regions: ['us-west-2'],
  failures: { 'us-west-2': 1 },
  replicas: [{ region: 'us-west-2', status: 'InSync' }],
  ...overrides,
});

const cleanupSecret = (overrides: Partial<CleanupSecretState> = {}): CleanupSecretState => ({
  name: 'soak/cleanup/unused-0',
  arn: ARN('soak/cleanup/unused-0'),
  role: 'unused',
  approval: 'required',
  exists: true,
  deletedDate: '2026-01-20T09:00:00.000Z',
  marked: true,
  restored: false,
  valueIntact: undefined,
  ...overrides,
});

const call = (eventName: string, secretId: string, params: Record<string, unknown>, lifetime = 0): ApiCall => ({
  lifetime,
  eventName,
  secretId,
  ok: true,
  params: { secretId, ...params },
});

const approved: ApprovalState = {
  secretId: ARN('soak/cleanup/unused-0'),
  action: 'delete-secret',
  status: 'approved',
  executionArn: EXECUTION('cli-1'),
};

const repairRow = (overrides: Partial<ReplicaRowState> = {}): ReplicaRowState => ({
  execution: 'repair-1',
  startDate: '2026-01-05T09:00:00.000Z',
  name: 'soak/replica-0',
  region: 'us-west-2',
  outcome: 'repaired',
  ...overrides,
});

/** A run where everything went right: one repaired replica, one approved deletion, an exempt secret left alone. */
const healthy = (): FinalState => ({
  now: new Date('2026-01-20T10:00:00Z'),
  secrets: [],
  executions: [
    {
      name: 'repair-1',
      workflow: 'replica-repair',
      status: 'SUCCEEDED',
      awaitingCallback: false,
      error: undefined,
      input: '{}',
    },
  ],
  locks: [],
  requested: [],
  observed: new Map(),
  texts: [{ where: 'bus events', text: '{"detail-type":"Replica Repaired"}' }],
  canaries: [{ label: "soak/replica-0's password", value: 'soak-replica-password-1234' }],
  replicas: {
    secrets: [replicaSecret()],
    rows: [repairRow()],
    approvals: [approved],
    waiting: new Set(),
    calls: [
      call('RemoveRegionsFromReplication', ARN('soak/replica-0'), { removeReplicaRegions: ['us-west-2'] }),
      call('ReplicateSecretToRegions', ARN('soak/replica-0'), { addReplicaRegions: [{ region: 'us-west-2' }] }),
    ],
  },
  cleanup: {
    secrets: [
      cleanupSecret(),
      cleanupSecret({
        name: 'soak/cleanup/exempt-1',
        arn: ARN('soak/cleanup/exempt-1'),
        role: 'exempt',
        deletedDate: undefined,
        marked: false,
        valueIntact: true,
      }),
    ],
    approvals: [approved],
    calls: [call('DeleteSecret', ARN('soak/cleanup/unused-0'), { recoveryWindowInDays: 30 })],
  },
});

const invariantsOf = (state: FinalState) => checkInvariants(state).map((v) => v.invariant);

const withReplicas = (change: Partial<NonNullable<FinalState['replicas']>>): FinalState => {
  const state = healthy();
  return { ...state, replicas: { ...(state.replicas as NonNullable<FinalState['replicas']>), ...change } };
};
const withCleanup = (change: Partial<NonNullable<FinalState['cleanup']>>): FinalState => {
  const state = healthy();
  return { ...state, cleanup: { ...(state.cleanup as NonNullable<FinalState['cleanup']>), ...change } };
};

describe('soak invariants', () => {
  it('passes a run where every replica is back in sync and every deletion was approved, with a window', () => {
    expect(checkInvariants(healthy())).toEqual([]);
  });

  describe('replicas', () => {
    it('catches a replica left failed after a repair that neither finished nor told anyone', () => {
      const state = withReplicas({
        secrets: [replicaSecret({ replicas: [{ region: 'us-west-2', status: 'Failed' }] })],
        rows: [repairRow({ outcome: 'skipped' })],
      });

      expect(checkInvariants(state)).toEqual([
        {
          invariant: 'replica-in-sync',
          detail: 'soak/replica-0 in us-west-2 is Failed, and its last repair ended skipped (repair-1)',
        },
      ]);
    });

    it('catches a replica the secret should have that is gone and was never repaired', () => {
      const state = withReplicas({ secrets: [replicaSecret({ replicas: [] })], rows: [] });

      expect(checkInvariants(state).map((v) => v.detail)).toEqual([
        'soak/replica-0 in us-west-2 is absent, and its last repair never ran',
      ]);
    });

    it('accepts a failed replica whose last repair escalated, or whose repair waits for a decision', () => {
      const failed = replicaSecret({ replicas: [{ region: 'us-west-2', status: 'Failed' }] });
      const escalated = withReplicas({
        secrets: [failed],
        rows: [
          repairRow(),
          repairRow({ execution: 'repair-2', startDate: '2026-01-06T09:00:00.000Z', outcome: 'escalated' }),
        ],
      });
      const waiting = withReplicas({
        secrets: [failed],
        rows: [],
        approvals: [
          { secretId: failed.arn, action: 'repair-replica', status: 'pending', executionArn: EXECUTION('repair-3') },
        ],
        waiting: new Set([EXECUTION('repair-3')]),
      });
      // A pending record whose execution no longer waits does not count.
      const stale = withReplicas({ ...waiting.replicas, waiting: new Set() });

      expect(checkInvariants(escalated)).toEqual([]);
      expect(checkInvariants(waiting)).toEqual([]);
      expect(invariantsOf(stale)).toEqual(['replica-in-sync']);
    });

    it('catches a region removed that never failed', () => {
      const state = withReplicas({
        secrets: [
          replicaSecret({
            regions: ['us-west-2', 'eu-west-1'],
            replicas: [
              { region: 'us-west-2', status: 'InSync' },
              { region: 'eu-west-1', status: 'InSync' },
            ],
          }),
        ],
        calls: [call('RemoveRegionsFromReplication', 'soak/replica-0', { removeReplicaRegions: ['eu-west-1'] })],
      });

      expect(checkInvariants(state)).toEqual([
        { invariant: 'no-needless-removal', detail: 'soak/replica-0: eu-west-1 was removed and had not failed' },
      ]);
    });

    it('catches a repair applied twice: more removals than failures, or one region repaired twice in one execution', () => {
      const remove = call('RemoveRegionsFromReplication', ARN('soak/replica-0'), {
        removeReplicaRegions: ['us-west-2'],
      });
      const removedTwice = withReplicas({ calls: [remove, { ...remove, lifetime: 1 }] });
      const reportedTwice = withReplicas({ rows: [repairRow(), repairRow()] });

      expect(checkInvariants(removedTwice)).toEqual([
        { invariant: 'no-double-repair', detail: 'soak/replica-0: us-west-2 was removed 2 times and failed at most 1' },
      ]);
      expect(checkInvariants(reportedTwice)).toEqual([
        { invariant: 'no-double-repair', detail: 'repair-1 repaired soak/replica-0 in us-west-2 twice' },
      ]);
    });

    it('ignores calls that failed', () => {
      const state = withReplicas({
        calls: [
          {
            ...call('RemoveRegionsFromReplication', 'soak/replica-0', { removeReplicaRegions: ['eu-west-1'] }),
            ok: false,
          },
        ],
      });

      expect(checkInvariants(state)).toEqual([]);
    });
  });

  describe('cleanup', () => {
    it('catches a deletion without an approved record where the policy asks for one', () => {
      const pendingOnly = withCleanup({ approvals: [{ ...approved, status: 'rejected' }] });
      const otherAction = withCleanup({ approvals: [{ ...approved, action: 'rotate-secret' }] });
      const restoredUnapproved = withCleanup({
        secrets: [cleanupSecret({ deletedDate: undefined, restored: true, valueIntact: true, marked: false })],
        approvals: [],
        calls: [],
      });
      const noApprovalNeeded = withCleanup({ secrets: [cleanupSecret({ approval: 'none' })], approvals: [] });

      expect(checkInvariants(pendingOnly)).toEqual([
        {
          invariant: 'deletion-approved',
          detail: 'soak/cleanup/unused-0 was deleted without an approved deletion record',
        },
      ]);
      expect(invariantsOf(otherAction)).toEqual(['deletion-approved']);
      expect(invariantsOf(restoredUnapproved)).toEqual(['deletion-approved']);
      expect(checkInvariants(noApprovalNeeded)).toEqual([]);
    });

    it('catches a deletion without a recovery window: forced, out of bounds, or the secret gone for good', () => {
      const forced = withCleanup({
        calls: [call('DeleteSecret', ARN('soak/cleanup/unused-0'), { forceDeleteWithoutRecovery: true })],
      });
      const noWindow = withCleanup({ calls: [call('DeleteSecret', ARN('soak/cleanup/unused-0'), {})] });
      const shortWindow = withCleanup({
        calls: [call('DeleteSecret', ARN('soak/cleanup/unused-0'), { recoveryWindowInDays: 3 })],
      });
      const gone = withCleanup({ secrets: [cleanupSecret({ exists: false, deletedDate: undefined })] });

      expect(checkInvariants(forced)).toEqual([
        {
          invariant: 'recovery-window',
          detail: `${ARN('soak/cleanup/unused-0')} was deleted with ForceDeleteWithoutRecovery`,
        },
      ]);
      expect(invariantsOf(noWindow)).toEqual(['recovery-window']);
      expect(invariantsOf(shortWindow)).toEqual(['recovery-window']);
      expect(checkInvariants(gone)).toContainEqual({
        invariant: 'recovery-window',
        detail: 'soak/cleanup/unused-0 is gone for good: deleted without a recovery window',
      });
    });

    it('catches an exempt or recently read secret marked or deleted', () => {
      const exempt = cleanupSecret({
        name: 'soak/cleanup/exempt-1',
        arn: ARN('soak/cleanup/exempt-1'),
        role: 'exempt',
      });
      const recent = cleanupSecret({
        name: 'soak/cleanup/recent-2',
        arn: ARN('soak/cleanup/recent-2'),
        role: 'recent',
        approval: 'none',
        deletedDate: undefined,
        marked: false,
      });
      const exemptDeleted = withCleanup({
        secrets: [exempt],
        approvals: [{ ...approved, secretId: exempt.arn }],
        calls: [],
      });
      const recentDeletedByCall = withCleanup({
        secrets: [recent],
        calls: [call('DeleteSecret', recent.name, { recoveryWindowInDays: 30 })],
      });
      const recentMarked = withCleanup({ secrets: [{ ...recent, marked: true }], calls: [] });

      expect(checkInvariants(exemptDeleted)).toEqual([
        { invariant: 'exempt-untouched', detail: 'soak/cleanup/exempt-1 (exempt) carries the cleanup mark' },
        { invariant: 'exempt-untouched', detail: 'soak/cleanup/exempt-1 (exempt) was deleted' },
      ]);
      expect(checkInvariants(recentDeletedByCall)).toEqual([
        { invariant: 'exempt-untouched', detail: 'soak/cleanup/recent-2 (recent) was deleted' },
      ]);
      expect(invariantsOf(recentMarked)).toEqual(['exempt-untouched']);
    });

    it('catches a restored secret whose value is not the one planted, or that is gone', () => {
      const restored = cleanupSecret({ deletedDate: undefined, restored: true, marked: false });
      const changed = withCleanup({ secrets: [{ ...restored, valueIntact: false }] });
      const unreadable = withCleanup({ secrets: [{ ...restored, valueIntact: undefined }] });
      const intact = withCleanup({ secrets: [{ ...restored, valueIntact: true }] });

      expect(checkInvariants(changed)).toEqual([
        {
          invariant: 'restore-intact',
          detail: 'soak/cleanup/unused-0 was restored and its value is not the one planted',
        },
      ]);
      expect(invariantsOf(unreadable)).toEqual(['restore-intact']);
      expect(checkInvariants(intact)).toEqual([]);
    });
  });

  describe('executions, leases and canaries over the new workflows', () => {
    it('catches a scan lease whose owner execution is not running, and keeps one whose owner waits', () => {
      const lease = { lockKey: ARN('soak/replica-0'), owner: 'cli-scan-1', expiresAt: '2026-01-21T10:00:00.000Z' };
      const orphan = { ...healthy(), locks: [lease] };
      const held: FinalState = {
        ...healthy(),
        locks: [lease],
        executions: [
          {
            name: 'cli-scan-1',
            workflow: 'cleanup',
            status: 'RUNNING',
            awaitingCallback: true,
            error: undefined,
            input: '{}',
          },
        ],
      };

      expect(checkInvariants(orphan)).toEqual([
        { invariant: 'no-orphan-lock', detail: `lock on ${lease.lockKey} held by cli-scan-1, not running` },
      ]);
      expect(checkInvariants(held)).toEqual([]);
    });

    it('catches a repair or a scan that neither ends nor waits, or that a restart ended', () => {
      const stuck: FinalState = {
        ...healthy(),
        executions: [
          {
            name: 'repair-1',
            workflow: 'replica-repair',
            status: 'RUNNING',
            awaitingCallback: false,
            error: undefined,
            input: '{}',
          },
          {
            name: 'cli-2',
            workflow: 'cleanup',
            status: 'FAILED',
            awaitingCallback: false,
            error: 'LocalCloud.ResumeFailed',
            input: '{}',
          },
        ],
      };

      expect(checkInvariants(stuck)).toEqual([
        { invariant: 'ends-or-waits', detail: 'replica-repair repair-1 is still running and waits for nothing' },
        { invariant: 'ends-or-waits', detail: 'cleanup cli-2 ended LocalCloud.ResumeFailed' },
      ]);
    });

    it('catches a replicated or cleanup secret’s value in a report row, a log or a restore’s output', () => {
      const leaked: FinalState = {
        ...healthy(),
        texts: [
          { where: 'cleanup report rows', text: '[{"reason":"unused"}]' },
          { where: 'function log cleanupDelete.jsonl', text: '{"msg":"soak-replica-password-1234"}' },
        ],
      };

      expect(checkInvariants(leaked)).toEqual([
        { invariant: 'no-canary', detail: "soak/replica-0's password found in function log cleanupDelete.jsonl" },
      ]);
    });
  });
});

describe('soak api calls', () => {
  it('reads the Secrets Manager calls from the bus events, with their parameters and whether they failed', () => {
    const events = [
      { source: 'smcp', 'detail-type': 'Replica Repaired', detail: {} },
      {
        source: 'aws.secretsmanager',
        'detail-type': 'AWS API Call via CloudTrail',
        detail: {
          eventName: 'DeleteSecret',
          requestParameters: { secretId: 'soak/cleanup/unused-0', recoveryWindowInDays: 30 },
        },
      },
      {
        source: 'aws.secretsmanager',
        'detail-type': 'AWS API Call via CloudTrail',
        detail: {
          eventName: 'RemoveRegionsFromReplication',
          errorCode: 'InvalidParameterException',
          requestParameters: { secretId: 'soak/replica-0', removeReplicaRegions: ['eu-west-1'] },
        },
      },
      {
        source: 'aws.secretsmanager',
        'detail-type': 'AWS Service Event via CloudTrail',
        detail: { eventName: 'ReplicationFailed' },
      },
    ];

    expect(apiCallsOf(events, 2)).toEqual([
      {
        lifetime: 2,
        eventName: 'DeleteSecret',
        secretId: 'soak/cleanup/unused-0',
        ok: true,
        params: { secretId: 'soak/cleanup/unused-0', recoveryWindowInDays: 30 },
      },
      {
        lifetime: 2,
        eventName: 'RemoveRegionsFromReplication',
        secretId: 'soak/replica-0',
        ok: false,
        params: { secretId: 'soak/replica-0', removeReplicaRegions: ['eu-west-1'] },
      },
    ]);
  });
});

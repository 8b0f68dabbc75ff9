// A repair in flight: starting calls, checks until InSync and serving AWSCURRENT, bounded retries and checks.
import { describe, expect, it } from 'vitest';
import { ACTIONS, type RegionPlan } from '../../functions/replicas/domain/plan.ts';
import { checkRepair, LIMITS, type Observation, startRepair } from '../../functions/replicas/domain/progress.ts';

const retry: RegionPlan = {
  region: 'us-west-2',
  statusBefore: 'Failed',
  action: ACTIONS.retry,
  targetKmsKeyId: 'alias/aws/secretsmanager',
  reason: 'x',
};
const overwrite: RegionPlan = { ...retry, region: 'eu-west-1', action: ACTIONS.overwrite, force: true };
const failed = (region: string, statusMessage = 'Replication failed: A network error occurred'): Observation => ({
  region,
  status: 'Failed',
  statusMessage,
});
const inSync = (region: string, currentVersionId?: string): Observation => ({
  region,
  status: 'InSync',
  kmsKeyId: 'alias/aws/secretsmanager',
  ...(currentVersionId ? { currentVersionId } : {}),
});

describe('replica repair progress', () => {
  it('removes the failed replicas in one call, then replicates forced regions in a call of their own', () => {
    const { operations, progress } = startRepair(
      [retry, overwrite],
      new Map([
        [retry.region, failed(retry.region)],
        [overwrite.region, failed(overwrite.region)],
      ]),
    );

    expect(operations).toEqual([
      { kind: 'remove', regions: ['us-west-2', 'eu-west-1'] },
      { kind: 'replicate', regions: [{ region: 'us-west-2', kmsKeyId: 'alias/aws/secretsmanager' }], force: false },
      { kind: 'replicate', regions: [{ region: 'eu-west-1', kmsKeyId: 'alias/aws/secretsmanager' }], force: true },
    ]);
    expect(progress).toMatchObject({ settled: false, waitSeconds: LIMITS.pollSeconds });
  });

  it('starts nothing again when a retried step finds its replication already running', () => {
    const { operations } = startRepair(
      [retry],
      new Map([[retry.region, { region: retry.region, status: 'InProgress', kmsKeyId: 'alias/aws/secretsmanager' }]]),
    );

    expect(operations).toEqual([]);
  });

  it('counts a region repaired only when InSync serves the primary’s AWSCURRENT version', () => {
    const { progress } = startRepair([retry], new Map());

    const lagging = checkRepair(progress, new Map([[retry.region, inSync(retry.region, 'v-old')]]), 'v-new');
    const served = checkRepair(lagging.progress, new Map([[retry.region, inSync(retry.region, 'v-new')]]), 'v-new');

    expect(lagging.progress.regions[0]).toMatchObject({ state: 'replicating', statusAfter: 'InSync' });
    expect(served.progress).toMatchObject({ settled: true, regions: [{ state: 'repaired', versionId: 'v-new' }] });
  });

  it('backs off after a transient failure, replicates again, and gives up after the last attempt', () => {
    let { progress } = startRepair([retry], new Map());
    const waits: number[] = [];
    const calls: string[] = [];
    for (let i = 0; i < 10 && !progress.settled; i++) {
      const next = checkRepair(progress, new Map([[retry.region, failed(retry.region)]]), 'v1');
      progress = next.progress;
      waits.push(progress.waitSeconds);
      calls.push(...next.operations.map((o) => o.kind));
    }

    expect(progress.regions[0]).toMatchObject({ state: 'failed', attempts: LIMITS.maxAttempts, class: 'transient' });
    expect(waits.slice(0, 2)).toEqual([LIMITS.backoffSeconds[0], LIMITS.pollSeconds]);
    expect(calls.filter((c) => c === 'replicate')).toHaveLength(LIMITS.maxAttempts - 1);
  });

  it('fails at once on a failure that is not transient, and after maxChecks when nothing settles', () => {
    const { progress } = startRepair([retry], new Map());
    const conflict = checkRepair(
      progress,
      new Map([[retry.region, failed(retry.region, 'Secret with this name already exists in this region')]]),
      'v1',
    );
    let stuck = progress;
    for (let i = 0; i < LIMITS.maxChecks; i++) {
      stuck = checkRepair(
        stuck,
        new Map([[retry.region, { region: retry.region, status: 'InProgress' }]]),
        'v1',
      ).progress;
    }

    expect(conflict.progress.regions[0]).toMatchObject({ state: 'failed', class: 'name-conflict' });
    expect(stuck).toMatchObject({ settled: true, checks: LIMITS.maxChecks, regions: [{ state: 'failed' }] });
  });
});

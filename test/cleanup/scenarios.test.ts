// The cleanup through the local cloud: secrets with ages, scans started as `smcp cleanup` starts them (each test scans
// its own name prefix), the clock moved with POST /_smcp/clock, decisions through the `approve` function.
import { DescribeSecretCommand, RestoreSecretCommand } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCost } from '../../functions/cleanup/domain/budget.ts';
import {
  advanceDays,
  approvalsFor,
  createSecret,
  decide,
  expectNoCanary,
  type Harness,
  ownEvents,
  pathsOf,
  readSecret,
  rowFor,
  scan,
  secretReads,
  settled,
  startHarness,
  tagsOf,
} from './support.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  // Whatever the scenarios did, no value ever left Secrets Manager, and the cleanup itself never read one.
  await expectNoCanary(h);
  expect(secretReads(h)).toHaveLength(h.reads);
  await h?.stop();
});

/** Marks the prefix's candidates, lets the grace period pass (14 days: deletable on the 15th) and returns. */
const markAndWaitOutGrace = async (namePrefix: string) => {
  const marked = await scan(h, { mode: 'mark', namePrefix });
  await advanceDays(h, 15);
  return marked;
};

describe('cleanup report', () => {
  it('reports candidates and exempt secrets by default and changes nothing', async () => {
    await createSecret(h, 'report/unused', { readDaysAgo: { 'us-east-1': 120 } });
    await createSecret(h, 'report/used', { readDaysAgo: { 'us-east-1': 3 } });
    await createSecret(h, 'report/exempt', { readDaysAgo: { 'us-east-1': 200 }, tags: { 'smcp:cleanup': 'exempt' } });
    const eventsBefore = h.busEvents.length;

    const result = await scan(h, { namePrefix: 'report/' });

    expect(
      result.executions.map((e) => e.status),
      pathsOf(result),
    ).toEqual(['SUCCEEDED']);
    expect(result.summary).toMatchObject({ mode: 'report', dryRun: false, scanned: 3, candidates: 1, exempt: 1 });
    expect(rowFor(result.candidates, 'report/unused')).toMatchObject({
      lastUsed: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      reason: expect.stringContaining('unused for 120 days'),
      phase: 'unused',
      action: 'none',
    });
    expect(rowFor(result.candidates, 'report/used')).toBeUndefined();
    expect(rowFor(result.exempt, 'report/exempt')).toMatchObject({
      reason: 'tag smcp:cleanup=exempt',
      phase: 'exempt',
    });
    expect(await tagsOf(h, 'report/unused')).not.toHaveProperty('smcp:cleanup-marked');
    const own = h.busEvents
      .slice(eventsBefore)
      .filter((e) => e.source === 'smcp')
      .map((e) => e['detail-type']);
    expect(own).toEqual(['Cleanup Scan Completed']);
  });

  it('keeps a never-read secret younger than the unused period, and reports an old never-read one', async () => {
    await createSecret(h, 'young/new', { createdDaysAgo: 1 });
    await createSecret(h, 'young/ninety', { createdDaysAgo: 90 });
    await createSecret(h, 'young/ninety-one', { createdDaysAgo: 91 });

    const result = await scan(h, { mode: 'mark', namePrefix: 'young/' });

    expect(result.candidates.map((r) => r.name)).toEqual(['young/ninety-one']);
    expect(rowFor(result.candidates, 'young/ninety-one')).toMatchObject({
      lastUsed: null,
      reason: expect.stringContaining('never read in any region; created 91 days ago'),
      action: 'marked',
    });
    expect(await tagsOf(h, 'young/new')).not.toHaveProperty('smcp:cleanup-marked');
  });

  it('exempts the tag smcp:cleanup=exempt and the stage prefixes (the control plane’s own secrets)', async () => {
    await createSecret(h, 'exempt/tagged', { readDaysAgo: { 'us-east-1': 300 }, tags: { 'smcp:cleanup': 'Exempt' } });
    await createSecret(h, 'smcp/local/exempt-by-prefix', { readDaysAgo: { 'us-east-1': 300 } });

    const tagged = await scan(h, { mode: 'mark', namePrefix: 'exempt/' });
    const prefixed = await scan(h, { mode: 'mark', namePrefix: 'smcp/local/exempt-' });

    expect(tagged.candidates).toEqual([]);
    expect(rowFor(tagged.exempt, 'exempt/tagged')).toMatchObject({ reason: 'tag smcp:cleanup=exempt', action: 'none' });
    expect(prefixed.candidates).toEqual([]);
    expect(rowFor(prefixed.exempt, 'smcp/local/exempt-by-prefix')?.reason).toBe(
      'name starts with "smcp/local/" (cleanupExemptPrefixes)',
    );
    expect(await tagsOf(h, 'exempt/tagged')).not.toHaveProperty('smcp:cleanup-marked');
  });

  it('skips service-owned secrets', async () => {
    await createSecret(h, 'owned/rds', {
      readDaysAgo: { 'us-east-1': 300 },
      tags: { 'aws:secretsmanager:owningService': 'rds' },
    });

    const result = await scan(h, { mode: 'delete', namePrefix: 'owned/' });

    expect(result.candidates).toEqual([]);
    expect(rowFor(result.exempt, 'owned/rds')?.reason).toBe('managed by rds (OwningService)');
  });
});

describe('cleanup marks', () => {
  it('marks an unused secret, tells its owner, and unmarks it once it is read again', async () => {
    const arn = await createSecret(h, 'mark/once', {
      readDaysAgo: { 'us-east-1': 100 },
      tags: { 'smcp:owner': 'team-a' },
    });

    const marked = await scan(h, { mode: 'mark', namePrefix: 'mark/' });
    const today = h.clock.now().toISOString().slice(0, 10);
    const markTag = (await tagsOf(h, 'mark/once'))['smcp:cleanup-marked'];
    await readSecret(h, 'mark/once');
    const cleared = await scan(h, { mode: 'mark', namePrefix: 'mark/' });

    expect(rowFor(marked.candidates, 'mark/once')).toMatchObject({ phase: 'marked', action: 'marked' });
    expect(markTag).toBe(today);
    expect(ownEvents(h, 'Cleanup Candidate Marked').filter((d) => d.secretId === arn)).toMatchObject([
      { name: 'mark/once', markedOn: today, owner: 'team-a', reason: expect.stringContaining('unused for 100 days') },
    ]);
    const notice = h.cloud.sns.outbox().find((n) => n.Subject === '[smcp] Unused secret marked for cleanup: mark/once');
    expect(notice?.MessageAttributes).toMatchObject({ owner: { Type: 'String', Value: 'team-a' } });
    expect(rowFor(cleared.candidates, 'mark/once')).toMatchObject({ phase: 'in-use', action: 'unmarked' });
    expect(await tagsOf(h, 'mark/once')).not.toHaveProperty('smcp:cleanup-marked');
    expect(ownEvents(h, 'Cleanup Candidate Cleared').filter((d) => d.secretId === arn)).toMatchObject([
      { name: 'mark/once', markedOn: today },
    ]);
  });

  it('keeps a replicated secret whose replica is read in its own region', async () => {
    await createSecret(h, 'replica/read-there', {
      readDaysAgo: { 'us-east-1': 200, 'eu-west-1': 200 },
      replicas: ['eu-west-1'],
    });
    await readSecret(h, 'replica/read-there', 'eu-west-1');

    const result = await scan(h, { mode: 'delete', namePrefix: 'replica/read-' });

    expect(result.candidates).toEqual([]);
    expect(await tagsOf(h, 'replica/read-there')).not.toHaveProperty('smcp:cleanup-marked');
  });
});

describe('cleanup deletes', () => {
  it('deletes a marked secret after the grace period once approved, with the recovery window; restore brings it back', async () => {
    const arn = await createSecret(h, 'delete/approved', { readDaysAgo: { 'us-east-1': 120 } });
    await markAndWaitOutGrace('delete/approved');

    const waiting = await scan(h, { mode: 'delete', namePrefix: 'delete/approved' });
    const [request] = approvalsFor(h, arn);
    await decide(h, String(request?.approvalId), 'approve');
    const done = await scan(h, { mode: 'report', namePrefix: 'delete/nothing' });
    const described = await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(waiting.executions, pathsOf(waiting)).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);
    expect(request).toMatchObject({ action: 'delete-secret', requestedBy: 'cleanup' });
    expect(done.executions).toHaveLength(1);
    expect(described.DeletedDate).toBeDefined();
    const scheduled = ownEvents(h, 'Secret Scheduled For Deletion').filter((d) => d.secretId === arn);
    expect(scheduled).toMatchObject([{ name: 'delete/approved', recoveryDays: 30, replicasRemoved: [] }]);
    const deletionDay = Date.parse(String(scheduled[0]?.deletionDate));
    expect(Math.round((deletionDay - Date.parse(String(described.DeletedDate?.toISOString()))) / 86_400_000)).toBe(30);

    await h.clients.sm.send(new RestoreSecretCommand({ SecretId: arn }));
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
  });

  it('keeps the secret and its mark when the deletion is rejected', async () => {
    const arn = await createSecret(h, 'delete/rejected', { readDaysAgo: { 'us-east-1': 120 } });
    await markAndWaitOutGrace('delete/rejected');

    const waiting = await scan(h, { mode: 'delete', namePrefix: 'delete/rejected' });
    await decide(h, String(approvalsFor(h, arn)[0]?.approvalId), 'reject');
    const decided = await settled(h, waiting.scanId, new Date(0));
    const result = await scan(h, { mode: 'report', namePrefix: 'delete/rejected' });

    expect(decided.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(rowFor(decided.candidates, 'delete/rejected')).toMatchObject({
      action: 'deletion-rejected',
      reason: expect.stringContaining('Rejected by local-operator'),
    });
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
    expect(await tagsOf(h, 'delete/rejected')).toHaveProperty('smcp:cleanup-marked');
    expect(rowFor(result.candidates, 'delete/rejected')).toMatchObject({ phase: 'due', action: 'none' });
    expect(ownEvents(h, 'Secret Scheduled For Deletion').filter((d) => d.secretId === arn)).toEqual([]);
  });

  it('keeps the secret and its mark when nobody decides in time', async () => {
    const arn = await createSecret(h, 'delete/timeout', { readDaysAgo: { 'us-east-1': 120 } });
    await markAndWaitOutGrace('delete/timeout');

    const waiting = await scan(h, { mode: 'delete', namePrefix: 'delete/timeout' });
    await advanceDays(h, 1);
    const decided = await settled(h, waiting.scanId, new Date(0));
    const after = await scan(h, { mode: 'report', namePrefix: 'delete/timeout' });

    expect(waiting.executions).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);
    expect(approvalsFor(h, arn)).toHaveLength(1);
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
    expect(await tagsOf(h, 'delete/timeout')).toHaveProperty('smcp:cleanup-marked');
    expect(rowFor(after.candidates, 'delete/timeout')).toMatchObject({ phase: 'due' });
    expect(decided.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(rowFor(decided.candidates, 'delete/timeout')?.action).toBe('approval-timed-out');
  });

  it('skips a replicated unused secret unless smcp:cleanup-replicas=allow, and then removes the replicas first', async () => {
    const kept = await createSecret(h, 'delete/replicas-kept', {
      readDaysAgo: { 'us-east-1': 150, 'eu-west-1': 150 },
      replicas: ['eu-west-1'],
      tags: { 'smcp:approval': 'none' },
    });
    const allowed = await createSecret(h, 'delete/replicas-allowed', {
      readDaysAgo: { 'us-east-1': 150, 'eu-west-1': 150 },
      replicas: ['eu-west-1'],
      tags: { 'smcp:approval': 'none', 'smcp:cleanup-replicas': 'allow' },
    });
    await markAndWaitOutGrace('delete/replicas-');

    const result = await scan(h, { mode: 'delete', namePrefix: 'delete/replicas-' });

    expect(
      result.executions.map((e) => e.status),
      pathsOf(result),
    ).toEqual(['SUCCEEDED']);
    expect(rowFor(result.candidates, 'delete/replicas-kept')).toMatchObject({
      phase: 'due',
      action: 'skipped-replicas',
      reason: expect.stringContaining('has replicas in eu-west-1'),
    });
    const keptNow = await h.clients.sm.send(new DescribeSecretCommand({ SecretId: kept }));
    expect(keptNow.DeletedDate).toBeUndefined();
    expect(keptNow.ReplicationStatus?.map((r) => r.Region)).toEqual(['eu-west-1']);
    expect(rowFor(result.candidates, 'delete/replicas-allowed')).toMatchObject({
      phase: 'scheduled',
      action: 'scheduled-for-deletion',
      reason: expect.stringContaining('replica removal is immediate'),
    });
    const allowedNow = await h.clients.sm.send(new DescribeSecretCommand({ SecretId: allowed }));
    expect(allowedNow.DeletedDate).toBeDefined();
    expect(allowedNow.ReplicationStatus ?? []).toEqual([]);
    expect(ownEvents(h, 'Secret Scheduled For Deletion').find((d) => d.secretId === allowed)).toMatchObject({
      replicasRemoved: ['eu-west-1'],
    });
  });

  it('unmarks instead of deleting a secret read while the deletion waited for approval', async () => {
    const arn = await createSecret(h, 'delete/read-meanwhile', { readDaysAgo: { 'us-east-1': 120 } });
    await markAndWaitOutGrace('delete/read-meanwhile');

    await scan(h, { mode: 'delete', namePrefix: 'delete/read-meanwhile' });
    await readSecret(h, 'delete/read-meanwhile');
    await decide(h, String(approvalsFor(h, arn)[0]?.approvalId), 'approve');

    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
    expect(await tagsOf(h, 'delete/read-meanwhile')).not.toHaveProperty('smcp:cleanup-marked');
    expect(ownEvents(h, 'Cleanup Candidate Cleared').find((d) => d.secretId === arn)?.reason).toContain(
      'read again before the deletion',
    );
  });

  it('plans but changes nothing on a dry run', async () => {
    const arn = await createSecret(h, 'dry/due', {
      readDaysAgo: { 'us-east-1': 120 },
      tags: { 'smcp:approval': 'none' },
    });
    await createSecret(h, 'dry/fresh', { readDaysAgo: { 'us-east-1': 120 } });
    await markAndWaitOutGrace('dry/due');

    const result = await scan(h, { mode: 'delete', dryRun: true, namePrefix: 'dry/' });

    expect(rowFor(result.candidates, 'dry/due')).toMatchObject({ phase: 'due', action: 'would-delete' });
    expect(rowFor(result.candidates, 'dry/fresh')).toMatchObject({ phase: 'unused', action: 'would-mark' });
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
    expect(await tagsOf(h, 'dry/fresh')).not.toHaveProperty('smcp:cleanup-marked');
  });
});

describe('cleanup and the rotation lock', () => {
  it('does not delete a secret whose lock another execution holds, and reports it locked', async () => {
    const arn = await createSecret(h, 'locked/busy', {
      readDaysAgo: { 'us-east-1': 120 },
      tags: { 'smcp:approval': 'none' },
    });
    await markAndWaitOutGrace('locked/busy');
    const acquire = h.cloud.stack.functions.find((f) => f.key === 'rotationAcquireLock')?.name;
    await h.cloud.lambda.invoke(String(acquire), { secretId: arn, owner: 'a-rotation' });

    const result = await scan(h, { mode: 'delete', namePrefix: 'locked/' });

    expect(rowFor(result.candidates, 'locked/busy')).toMatchObject({
      action: 'locked',
      reason: expect.stringContaining('execution a-rotation'),
    });
    expect((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeUndefined();
  });
});

describe('cleanup history', () => {
  it('spends no more history than the page budget counts, even for approved deletions', async () => {
    const arns = [];
    for (let i = 0; i < 3; i++) arns.push(await createSecret(h, `budget/s${i}`, { readDaysAgo: { 'us-east-1': 120 } }));
    await markAndWaitOutGrace('budget/');

    const waiting = await scan(h, { mode: 'delete', namePrefix: 'budget/', pageSize: 2 });
    // The second page asks only once the first page's deletions are decided: approve what is asked, round by round.
    const decided = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (const arn of arns.filter((a) => !decided.has(a) && approvalsFor(h, a).length > 0)) {
        await decide(h, String(approvalsFor(h, arn)[0]?.approvalId), 'approve');
        decided.add(arn);
      }
      await settled(h, waiting.scanId, new Date(0));
    }
    const done = await settled(h, waiting.scanId, new Date(0));
    const events = h.cloud.stepfunctions.history(String(done.executions[0]?.executionArn)).length;

    expect(done.candidates.map((r) => r.action)).toEqual(Array(3).fill('scheduled-for-deletion'));
    // Two pages (2 + 1 deletions), plus the start and the end of the execution.
    expect(events).toBeLessThanOrEqual(pageCost(2) + pageCost(1) + 20);
    expect(events).toBeGreaterThan(pageCost(0) * 2);
  });
});

describe('cleanup at scale', () => {
  it('continues in new executions when a scan has used its share of pages, and reports every page', async () => {
    for (let i = 0; i < 9; i++) await createSecret(h, `pages/s${i}`, { readDaysAgo: { 'us-east-1': 100 + i } });

    const result = await scan(h, { namePrefix: 'pages/', pageSize: 2, pagesPerExecution: 2 });

    expect(
      result.executions.map((e) => e.status),
      pathsOf(result),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(result.executions.map((e) => e.name.replace(/^.*-(p\d)$/, '$1'))).toEqual([
      expect.not.stringMatching(/^p/),
      'p2',
      'p3',
    ]);
    expect(result.summary).toMatchObject({ part: 3, scanned: 9, candidates: 9 });
    expect(result.candidates).toHaveLength(9);
  });
});

describe('cleanup at scale: every page costs the same', () => {
  it('pays for its last page what it paid for its first: the same payload, history and calls', async () => {
    // Names of one length, all unused: every page of two marks two candidates, so every page does the same work.
    for (let i = 0; i < 12; i++) {
      await createSecret(h, `flat/s${String(i).padStart(2, '0')}`, { readDaysAgo: { 'us-east-1': 120 } });
    }
    const callsBefore = h.busEvents.length;

    const result = await scan(h, { mode: 'mark', namePrefix: 'flat/', pageSize: 2, pagesPerExecution: 100 });

    expect(
      result.executions.map((e) => e.status),
      pathsOf(result),
    ).toEqual(['SUCCEEDED']);
    expect(result.candidates.map((r) => r.action)).toEqual(Array(12).fill('marked'));
    const history = result.executions[0]?.history ?? [];
    const pageStarts = history.flatMap((event, index) =>
      (event.stateEnteredEventDetails as { name?: string } | undefined)?.name === 'Scan Page' ? [index] : [],
    );
    expect(pageStarts).toHaveLength(6);
    // What Scan Page is handed (the scan, the cursor and the previous page's outcomes; the first page has none) does
    // not grow page by page: only a few digits of the counts and the token differ. A payload that kept every page's
    // rows would reach 256 KB on a large inventory, and each state's JSONPath would read ever more.
    const inputOf = (i: number) => (history[i]?.stateEnteredEventDetails as { input?: string } | undefined)?.input;
    const sizes = pageStarts.map((i) => String(inputOf(i)).length);
    const later = sizes.slice(1);
    expect(Math.max(...later) - Math.min(...later), `${sizes}`).toBeLessThanOrEqual(8);
    // Each page spends the same history (no state reads or appends more as the execution goes on).
    const spent = pageStarts.slice(1).map((start, i) => start - (pageStarts[i] ?? 0));
    expect(new Set(spent).size, `${spent}`).toBe(1);
    // And the same calls: one ListSecrets and two TagResource a page, no DescribeSecret (no replicas).
    const calls = h.busEvents
      .slice(callsBefore)
      .filter((e) => e.source === 'aws.secretsmanager')
      .map((e) => String((e.detail as { eventName?: string }).eventName));
    const count = (name: string) => calls.filter((c) => c === name).length;
    expect({ list: count('ListSecrets'), tag: count('TagResource'), describe: count('DescribeSecret') }).toEqual({
      list: 6,
      tag: 12,
      describe: 0,
    });
  });
});

describe('cleanup on its schedule', () => {
  it('runs daily through the dispatcher in the stage mode (report)', async () => {
    const since = h.clock.now();
    h.cloud.bus.fireSchedule('smcp-local-cleanup-scan');
    await h.cloud.whenIdle();

    const runs = h.cloud.stepfunctions
      .executions()
      .filter((e) => e.stateMachineArn.endsWith(':smcp-local-cleanup') && e.startDate >= since)
      .filter((e) => !e.name.startsWith('test-'));
    expect(runs).toMatchObject([{ status: 'SUCCEEDED' }]);
    const run = await h.clients.sfn.send(new DescribeExecutionCommand({ executionArn: String(runs[0]?.executionArn) }));
    expect(JSON.parse(String(run.output))).toMatchObject({ mode: 'report', dryRun: false, part: 1 });
  });
});

// The pure policy: "unused for N days" in whole UTC days, boundaries on both sides, exemptions, replicas, marks.
import { describe, expect, it } from 'vitest';
import { plan } from '../../functions/cleanup/domain/plan.ts';
import { evaluate, type Inventoried, type PolicySettings } from '../../functions/cleanup/domain/policy.ts';
import { readSettings } from '../../functions/cleanup/domain/settings.ts';
import { CleanupSettingsError } from '../../functions/cleanup/errors.ts';

const TODAY = '2026-06-30';
const settings: PolicySettings = { unusedDays: 90, graceDays: 14, exemptPrefixes: ['smcp/prod/'], region: 'us-east-1' };

/** An instant `days` days before TODAY at `time` (UTC). */
const daysAgo = (days: number, time = '12:00:00') =>
  new Date(Date.parse(`${TODAY}T${time}Z`) - days * 86_400_000).toISOString();
const dayAgo = (days: number) => daysAgo(days).slice(0, 10);

const secret = (overrides: Partial<Inventoried> = {}): Inventoried => ({
  arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf',
  name: 'app/db',
  createdDate: daysAgo(400),
  tags: {},
  ...overrides,
});

describe('cleanup policy: unused for N days', () => {
  it.each([
    // [days since the last read, verdict]
    [89, 'in-use'],
    [90, 'in-use'],
    [91, 'unused'],
    [365, 'unused'],
  ])('a secret last read %i days ago is %s (N = 90)', (days, kind) => {
    expect(evaluate(secret({ lastAccessedDate: daysAgo(days) }), undefined, settings, TODAY).kind).toBe(kind);
  });

  it('counts whole UTC days, whatever the time of the read on its day', () => {
    const early = evaluate(secret({ lastAccessedDate: daysAgo(91, '00:00:00') }), undefined, settings, TODAY);
    const late = evaluate(secret({ lastAccessedDate: daysAgo(91, '23:59:59') }), undefined, settings, TODAY);

    expect(early).toMatchObject({ kind: 'unused', unusedDays: 91 });
    expect(late).toMatchObject({ kind: 'unused', unusedDays: 91 });
  });

  it.each([
    [1, 'in-use'],
    [90, 'in-use'],
    [91, 'unused'],
  ])('a never-read secret created %i days ago is %s: it counts from its CreatedDate', (days, kind) => {
    const verdict = evaluate(secret({ createdDate: daysAgo(days) }), undefined, settings, TODAY);

    expect(verdict.kind).toBe(kind);
    if (verdict.kind === 'unused') expect(verdict.lastUsed).toBeNull();
  });

  it('takes the latest read of every region: a replica read last week keeps the secret', () => {
    const primary = secret({ lastAccessedDate: daysAgo(200), primaryRegion: 'us-east-1' });

    const first = evaluate(primary, undefined, settings, TODAY);
    const withReplicas = evaluate(
      primary,
      [{ region: 'eu-west-1', lastAccessedDate: daysAgo(7) }, { region: 'ap-south-1' }],
      settings,
      TODAY,
    );

    expect(first.kind).toBe('needs-replicas');
    expect(withReplicas).toMatchObject({ kind: 'in-use', lastUsed: dayAgo(7) });
  });

  it('judges a replicated secret read nowhere as unused, naming its replicas', () => {
    const verdict = evaluate(
      secret({
        lastAccessedDate: daysAgo(200),
        primaryRegion: 'us-east-1',
        tags: { 'smcp:cleanup-replicas': 'allow' },
      }),
      [{ region: 'eu-west-1', lastAccessedDate: daysAgo(150) }],
      settings,
      TODAY,
    );

    expect(verdict).toMatchObject({
      kind: 'unused',
      lastUsed: dayAgo(150),
      replicaRegions: ['eu-west-1'],
      replicasAllowed: true,
    });
  });
});

describe('cleanup policy: exemptions', () => {
  it.each([
    [{ tags: { 'smcp:cleanup': 'exempt' } }, 'tag smcp:cleanup=exempt'],
    [{ tags: { 'smcp:cleanup': ' EXEMPT ' } }, 'tag smcp:cleanup=exempt'],
    [{ name: 'smcp/prod/slack-bot-token' }, 'name starts with "smcp/prod/" (cleanupExemptPrefixes)'],
    [{ owningService: 'rds' }, 'managed by rds (OwningService)'],
    [{ deletedDate: daysAgo(3) }, `already scheduled for deletion (since ${dayAgo(3)})`],
    [{ primaryRegion: 'eu-west-1' }, 'a replica: its primary is in eu-west-1, whose cleanup decides'],
  ])('%j is exempt: %s', (overrides, reason) => {
    expect(
      evaluate(secret({ lastAccessedDate: daysAgo(500), ...overrides }), undefined, settings, TODAY),
    ).toMatchObject({
      kind: 'exempt',
      reason,
    });
  });

  it('does not exempt on another tag value or a blank prefix', () => {
    const blank = { ...settings, exemptPrefixes: [''] };

    expect(
      evaluate(secret({ lastAccessedDate: daysAgo(500), tags: { 'smcp:cleanup': 'no' } }), undefined, blank, TODAY)
        .kind,
    ).toBe('unused');
  });
});

describe('cleanup policy: marks and the grace period', () => {
  it.each([
    [14, false],
    [15, true],
  ])('a mark %i days old is due: %s (grace 14 days)', (days, due) => {
    const verdict = evaluate(
      secret({ lastAccessedDate: daysAgo(200), tags: { 'smcp:cleanup-marked': dayAgo(days) } }),
      undefined,
      settings,
      TODAY,
    );

    expect(verdict).toMatchObject({ kind: 'unused', markedOn: dayAgo(days), due });
  });

  it.each(['2026-02-30', 'yesterday', '2027-01-01'])(
    'treats a mark of %s as no mark (the next run marks again)',
    (mark) => {
      const verdict = evaluate(
        secret({ lastAccessedDate: daysAgo(200), tags: { 'smcp:cleanup-marked': mark } }),
        undefined,
        settings,
        TODAY,
      );

      expect(verdict).toMatchObject({ kind: 'unused', due: false });
      expect(verdict).not.toHaveProperty('markedOn');
    },
  );
});

describe('cleanup plan', () => {
  const options = { mode: 'delete' as const, dryRun: false, graceDays: 14, today: TODAY };
  const due = secret({ lastAccessedDate: daysAgo(200), tags: { 'smcp:cleanup-marked': dayAgo(20) } });

  it.each([
    ['report', false, 'none', undefined],
    ['mark', false, 'mark', 'mark'],
    ['mark', true, 'would-mark', undefined],
    ['delete', false, 'mark', 'mark'],
  ] as const)('in %s mode (dry run %s) an unmarked candidate gets %s', (mode, dryRun, action, work) => {
    const fresh = secret({ lastAccessedDate: daysAgo(200) });

    const planned = plan(fresh, evaluate(fresh, undefined, settings, TODAY), { ...options, mode, dryRun });

    expect(planned.row).toMatchObject({ kind: 'candidate', phase: 'unused', action });
    expect(planned.work).toBe(work);
  });

  it('deletes a due candidate only in delete mode', () => {
    const verdict = evaluate(due, undefined, settings, TODAY);

    expect(plan(due, verdict, options)).toMatchObject({ row: { phase: 'due', action: 'delete' }, work: 'delete' });
    expect(plan(due, verdict, { ...options, mode: 'mark' })).toEqual({
      row: expect.objectContaining({ action: 'none' }),
    });
    expect(plan(due, verdict, { ...options, dryRun: true })).toEqual({
      row: expect.objectContaining({ action: 'would-delete' }),
    });
  });

  it('skips a due candidate with replicas unless they may be removed, and says removal is immediate', () => {
    const replicated = secret({ ...due, primaryRegion: 'us-east-1' });
    const replicas = [{ region: 'eu-west-1' }];

    const skipped = plan(replicated, evaluate(replicated, replicas, settings, TODAY), options);
    const allowedSecret = secret({ ...replicated, tags: { ...due.tags, 'smcp:cleanup-replicas': 'allow' } });
    const allowed = plan(allowedSecret, evaluate(allowedSecret, replicas, settings, TODAY), options);

    expect(skipped).toEqual({ row: expect.objectContaining({ action: 'skipped-replicas' }) });
    expect(skipped.row?.reason).toContain('replica removal is immediate');
    expect(allowed).toMatchObject({ work: 'delete', row: { reason: expect.stringContaining('removed first') } });
  });

  it('unmarks a marked secret that is in use again, and one that became exempt', () => {
    const readAgain = secret({ lastAccessedDate: daysAgo(1), tags: { 'smcp:cleanup-marked': dayAgo(5) } });
    const exempted = secret({
      lastAccessedDate: daysAgo(200),
      tags: { 'smcp:cleanup-marked': dayAgo(5), 'smcp:cleanup': 'exempt' },
    });

    expect(plan(readAgain, evaluate(readAgain, undefined, settings, TODAY), options)).toMatchObject({
      row: { kind: 'candidate', phase: 'in-use', action: 'unmark' },
      work: 'unmark',
    });
    expect(plan(exempted, evaluate(exempted, undefined, settings, TODAY), options)).toMatchObject({
      row: { kind: 'exempt', action: 'unmark' },
      work: 'unmark',
    });
  });

  it('leaves a secret in use and unmarked out of the report', () => {
    const used = secret({ lastAccessedDate: daysAgo(2) });

    expect(plan(used, evaluate(used, undefined, settings, TODAY), options)).toEqual({});
  });
});

describe('cleanup settings', () => {
  const env = {
    CLEANUP_MODE: 'report',
    CLEANUP_UNUSED_DAYS: '90',
    CLEANUP_GRACE_DAYS: '14',
    CLEANUP_RECOVERY_DAYS: '30',
    CLEANUP_EXEMPT_PREFIXES: 'smcp/prod/, ,legacy/',
    APPROVAL_DEFAULT: 'required',
  };

  it('reads the stage params, dropping blank prefixes', () => {
    expect(readSettings(env)).toEqual({
      mode: 'report',
      unusedDays: 90,
      graceDays: 14,
      recoveryDays: 30,
      exemptPrefixes: ['smcp/prod/', 'legacy/'],
      approvalDefault: 'required',
    });
  });

  it.each([
    [{ CLEANUP_RECOVERY_DAYS: '6' }, 'cleanupRecoveryDays must be a whole number of days from 7 to 30'],
    [{ CLEANUP_RECOVERY_DAYS: '31' }, 'cleanupRecoveryDays'],
    [{ CLEANUP_UNUSED_DAYS: 'ninety' }, 'cleanupUnusedDays'],
    [{ CLEANUP_GRACE_DAYS: '0' }, 'cleanupGraceDays'],
    [{ CLEANUP_MODE: 'purge' }, 'cleanupMode must be report, mark or delete'],
  ])('refuses %j', (change, message) => {
    expect(() => readSettings({ ...env, ...change })).toThrow(CleanupSettingsError);
    expect(() => readSettings({ ...env, ...change })).toThrow(message);
  });
});

// Report The Repair's escalations over time (functions/replicas/steps/report.ts), with an in-memory escalation log and
// a hand-set clock: the same failure is told once, then again after the repeat interval; a changed failure at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EscalationLog, SentEscalation } from '../../functions/replicas/adapters/escalations.ts';
import { escalationRepeatMs } from '../../functions/replicas/handlers/config.ts';
import type { ReportInput } from '../../functions/replicas/schemas.ts';
import { createReportStep } from '../../functions/replicas/steps/report.ts';
import { createLogger } from '../../functions/shared/logger.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/replicated-AbCdEf';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T06:00:00Z');

/** One scan's report input for a secret whose `region` replica is escalated with `class`. */
const escalated = (region: string, failureClass: string, execution = 'scan-1'): ReportInput => ({
  executionName: execution,
  state: {
    candidate: { secretId: ARN, name: 'app/replicated' },
    scan: { id: execution, sequence: 0, dryRun: false, mode: 'all', requestedBy: 'schedule' },
    plan: {
      secretId: ARN,
      name: 'app/replicated',
      primaryRegion: 'us-east-1',
      dryRun: false,
      found: true,
      changes: false,
      approvalRequired: false,
      regions: [{ region, statusBefore: 'Failed', class: failureClass, action: 'escalate', reason: 'left alone' }],
      summary: 'replicas of app/replicated: nothing to change',
    },
  },
});

/** The report of a scan that repaired the `region` replica (a retry that brought it InSync). */
const repaired = (region: string, execution: string): ReportInput => {
  const input = escalated(region, 'transient', execution);
  const plan = input.state.plan;
  if (!plan) throw new Error('no plan');
  return {
    executionName: execution,
    state: {
      ...input.state,
      plan: {
        ...plan,
        changes: true,
        regions: [{ region, statusBefore: 'Failed', class: 'transient', action: 'retry', reason: 'replicate again' }],
      },
      progress: {
        regions: [
          {
            region,
            action: 'retry',
            statusBefore: 'Failed',
            force: false,
            attempts: 1,
            state: 'repaired',
            statusAfter: 'InSync',
          },
        ],
        checks: 1,
        settled: true,
        waitSeconds: 0,
      },
    },
  };
};

const harness = (repeatMs = 24 * HOUR) => {
  let now = T0;
  const records = new Map<string, { escalation: SentEscalation; expiresAt: number }>();
  const escalations: EscalationLog = {
    last: async (secretId) => records.get(secretId)?.escalation,
    sent: async (secretId, escalation, expiresAt) => {
      records.set(secretId, { escalation, expiresAt });
    },
    clear: async (secretId) => {
      records.delete(secretId);
    },
    recorded: async () => new Set(records.keys()),
  };
  const notices: string[] = [];
  const events: { type: string; detail: Record<string, unknown> }[] = [];
  let refuseNotices = false;
  const report = createReportStep({
    bus: {
      publish: async (type, detail) => {
        events.push({ type, detail: detail as Record<string, unknown> });
      },
    },
    notifier: {
      notify: async (subject) => {
        if (refuseNotices) throw new Error('SNS is down');
        notices.push(subject);
      },
    },
    escalations,
    repeatMs,
    logger: createLogger('test'),
    now: () => now,
  });
  return {
    report,
    notices,
    records,
    failedEvents: () => events.filter((e) => e.type === 'Replica Repair Failed').map((e) => e.detail),
    advance: (ms: number) => {
      now += ms;
    },
    refuse: (refuse: boolean) => {
      refuseNotices = refuse;
    },
  };
};

describe('Report The Repair: escalating a failure once per repeat interval', () => {
  it('tells of a failure once, holds it back at the next scans, and tells it again after the interval', async () => {
    const h = harness();

    await h.report(escalated('ap-east-1', 'region-not-enabled'));
    h.advance(6 * HOUR);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-2'));
    h.advance(18 * HOUR);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-3'));

    expect(h.notices).toEqual([
      '[smcp] Replica repair needs a human: app/replicated',
      '[smcp] Replica repair needs a human: app/replicated',
    ]);
    expect(h.failedEvents().map((d) => [d.executionName, d.escalated, d.escalatedAt])).toEqual([
      ['scan-1', true, undefined],
      ['scan-2', false, '2026-03-02T06:00:00.000Z'],
      ['scan-3', true, undefined],
    ]);
    // The record of the last notice, kept a day past its interval.
    expect(h.records.get(ARN)).toEqual({
      escalation: { fingerprint: 'ap-east-1:region-not-enabled:escalated', sentAt: '2026-03-03T06:00:00.000Z' },
      expiresAt: (T0 + 48 * HOUR) / 1000 + 24 * 3600,
    });
  });

  it('tells at once when the failure changes: another class or another region', async () => {
    const h = harness();

    await h.report(escalated('ap-east-1', 'region-not-enabled'));
    h.advance(HOUR);
    await h.report(escalated('ap-east-1', 'name-conflict', 'scan-2'));
    h.advance(HOUR);
    await h.report(escalated('eu-west-1', 'name-conflict', 'scan-3'));

    expect(h.notices).toHaveLength(3);
    expect(h.failedEvents().every((d) => d.escalated === true)).toBe(true);
  });

  it('forgets a failure once the replicas are repaired: the same failure coming back is told at once', async () => {
    const h = harness();

    await h.report(escalated('ap-east-1', 'region-not-enabled'));
    h.advance(6 * HOUR);
    await h.report(repaired('ap-east-1', 'scan-2'));
    const afterRepair = h.records.size;
    h.advance(6 * HOUR);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-3'));

    expect(afterRepair).toBe(0);
    expect(h.notices).toHaveLength(2);
  });

  it('forgets a failure fixed by hand once a report finds the replicas in sync, and keeps a held-back one', async () => {
    const h = harness();
    const inSync = (execution: string): ReportInput => {
      const input = escalated('ap-east-1', 'region-not-enabled', execution);
      const plan = input.state.plan;
      if (!plan) throw new Error('no plan');
      return {
        ...input,
        state: {
          ...input.state,
          plan: { ...plan, regions: [{ region: 'ap-east-1', statusBefore: 'InSync', action: 'none', reason: 'ok' }] },
        },
      };
    };

    await h.report(escalated('ap-east-1', 'region-not-enabled'));
    h.advance(6 * HOUR);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-2'));
    const heldBack = h.records.size;
    h.advance(6 * HOUR);
    await h.report(inSync('scan-3'));
    const afterFix = h.records.size;
    h.advance(6 * HOUR);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-4'));

    expect([heldBack, afterFix]).toEqual([1, 0]);
    expect(h.notices).toHaveLength(2);
    expect(h.failedEvents().map((d) => d.escalated)).toEqual([true, false, true]);
  });

  it('with a repeat interval of 0, tells at every scan and keeps no record', async () => {
    const h = harness(0);

    await h.report(escalated('ap-east-1', 'region-not-enabled'));
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-2'));

    expect(h.notices).toHaveLength(2);
    expect(h.records.size).toBe(0);
  });

  it('records nothing when the notice could not be sent, so the next scan tells it', async () => {
    const h = harness();
    h.refuse(true);

    await expect(h.report(escalated('ap-east-1', 'region-not-enabled'))).rejects.toThrow('SNS is down');
    h.refuse(false);
    await h.report(escalated('ap-east-1', 'region-not-enabled', 'scan-2'));

    expect(h.notices).toHaveLength(1);
    expect(h.records.get(ARN)?.escalation.sentAt).toBe('2026-03-02T06:00:00.000Z');
  });
});

describe('the stage param replicaEscalationRepeatHours', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is hours, 24 when unset; 0 tells at every scan', () => {
    vi.stubEnv('REPLICA_ESCALATION_REPEAT_HOURS', '6');
    expect(escalationRepeatMs()).toBe(6 * HOUR);
    vi.stubEnv('REPLICA_ESCALATION_REPEAT_HOURS', '0');
    expect(escalationRepeatMs()).toBe(0);
    vi.stubEnv('REPLICA_ESCALATION_REPEAT_HOURS', undefined);
    expect(escalationRepeatMs()).toBe(24 * HOUR);
  });

  it('refuses anything else with a message naming the param', () => {
    for (const bad of ['', 'daily', '-1', '9000', 'NaN']) {
      vi.stubEnv('REPLICA_ESCALATION_REPEAT_HOURS', bad);
      expect(() => escalationRepeatMs()).toThrow(
        `replicaEscalationRepeatHours must be a number of hours from 0 to 8760 (a year), not "${bad}"`,
      );
    }
  });
});

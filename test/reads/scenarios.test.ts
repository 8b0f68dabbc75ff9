// The read-spike scenarios end to end, on a manual clock: real GetSecretValue calls through the SDK, their CloudTrail
// records through the stack's read trail into log files in its bucket (delivered every minute of the local clock),
// the read-log-files rule and queue, ingest-reads, the counters, detect-spikes on its schedule, the
// `Read Spike Detected` event through dispatch and the read-anomaly-response workflow.
import { GetResourcePolicyCommand, PutResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIED_ACTIONS } from '../../functions/reads/domain/quarantine.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, loadScenario, replayScenario } from '../../local/replay/engine.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import {
  countedMinutes,
  createSecret,
  decideApproval,
  MINUTE,
  type PutEntry,
  publishSpike,
  reader,
  readFor,
  recordPutEvents,
  responsesOf,
  seedDetector,
} from './support.ts';

const START = Date.parse('2026-01-07T10:00:00Z');
let t: TestCloud;
/** Every event the bus saw, in order (read events included). */
const seen: BusEvent[] = [];
/** Events put through the PutEvents API (detect-spikes, the workflow's outcome and rotation requests). */
let put: PutEntry[] = [];

/** Each read-anomaly-response execution about `secretArn`. */
const responses = (secretArn: string) => responsesOf(t, secretArn);

/** One minute of traffic: `reads` is [reader, count] pairs, all within the current minute; then the clock moves on. */
const minute = async (secretId: string, reads: [ReturnType<typeof reader>, number][]) => {
  for (const [client, count] of reads) await readFor(client, secretId, count);
  await t.clock.advance(MINUTE);
  await t.cloud.whenIdle();
};

/** Lets the schedule close the minutes read so far (the local stage closes a minute 2 minutes after it ends). */
const closeMinutes = async (minutes = 7) => {
  for (let i = 0; i < minutes; i++) {
    await t.clock.advance(MINUTE);
    await t.cloud.whenIdle();
  }
};

const bucketCount = async (secretArn: string, at: number): Promise<number> =>
  (await countedMinutes(t, secretArn)).find((m) => m.minute === new Date(at).toISOString())?.n ?? 0;

beforeAll(async () => {
  t = await startTestCloud({ start: new Date(START).toISOString(), schedules: true });
  // Every event the bus sees (CloudTrail records included): kept to assert on and replay.
  t.cloud.bus.tap((event) => seen.push(event));
  // And apart, what was put through PutEvents (from Lambdas and Step Functions).
  put = recordPutEvents(t);
});
afterAll(async () => t?.cloud.stop());

describe('read-spike scenarios', () => {
  const app = () => reader(t, 'AKIAAPPSERVER0000001', 'app/1.0');
  const intruder = () => reader(t, 'AKIANEWPRINCIPAL0001', 'curl/8.5');
  const rootReader = () => reader(t, 'LOCALROOTREADER', 'curl/8.5');

  it('steady reads raise nothing', async () => {
    const arn = await createSecret(t, 'steady/db');
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);

    for (let i = 0; i < 10; i++) await minute('steady/db', [[app(), 5]]);
    await closeMinutes();

    expect(responses(arn)).toEqual([]);
  });

  it('a 20× burst by a new principal raises exactly one alert naming that principal', async () => {
    const arn = await createSecret(t, 'burst/db');
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);
    for (let i = 0; i < 3; i++) await minute('burst/db', [[app(), 5]]);
    const burstAt = t.clock.now().getTime();

    await minute('burst/db', [
      [app(), 5],
      [intruder(), 100],
    ]);
    await minute('burst/db', [
      [app(), 5],
      [intruder(), 100],
    ]);
    await closeMinutes();

    const runs = responses(arn);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.input.detail).toMatchObject({
      secretId: arn,
      windowStart: new Date(burstAt).toISOString(),
      observed: 105,
    });
    expect(runs[0]?.status).toBe('SUCCEEDED');
    // The assessment names the new principal first (locally an AKIA… key signs as the IAM user of that name).
    expect(runs[0]?.assessment).toMatchObject({
      severity: 'high',
      topPrincipals: [
        {
          principal: 'arn:aws:iam::000000000000:user/AKIANEWPRINCIPAL0001',
          accessKeyId: 'AKIANEWPRINCIPAL0001',
          count: 100,
        },
        {
          principal: 'arn:aws:iam::000000000000:user/AKIAAPPSERVER0000001',
          accessKeyId: 'AKIAAPPSERVER0000001',
          count: 5,
        },
      ],
      regions: ['us-east-1'],
    });
    expect(String(runs[0]?.assessment.userAgents)).toContain('curl/8.5');
    // The stage default (local: none) applies: notified, not remediated, and the outcome is on the bus.
    // The workflow's output is the `Read Anomaly Handled` detail it put on the bus.
    expect(runs[0]?.output).toMatchObject({ secretId: arn, severity: 'high', remediation: 'none', remediated: false });
  });

  it('counts the same burst once when CloudTrail delivers its records twice', async () => {
    const arn = await createSecret(t, 'dupes/db');
    const at = t.clock.now().getTime();
    const before = seen.length;
    await readFor(intruder(), 'dupes/db', 40);
    await t.cloud.cloudTrail.deliver();
    await t.cloud.whenIdle();
    const reads = seen.slice(before).filter((e) => (e.detail as { eventName?: string }).eventName === 'GetSecretValue');
    expect(reads).toHaveLength(40);
    expect(await bucketCount(arn, at)).toBe(40);

    // CloudTrail may deliver a record twice: the same records (same eventID) in a second log file.
    for (const event of reads) t.cloud.cloudTrail.record(event.detail);
    await t.cloud.cloudTrail.deliver();
    await t.cloud.whenIdle();

    expect(await bucketCount(arn, at)).toBe(40);
  });

  it('a daily peak that recurs raises nothing once the detector has learned it', async () => {
    // Move to ten minutes before the next full hour; that hour is the daily peak (10× the usual reads).
    const now = t.clock.now().getTime();
    const peakStart = Math.ceil((now + 11 * MINUTE) / (60 * MINUTE)) * 60 * MINUTE;
    await t.clock.advance(peakStart - 10 * MINUTE - now);
    await t.cloud.whenIdle();
    const peakHour = new Date(peakStart).getUTCHours();
    const arn = await createSecret(t, 'daily/reports');
    // A week of history with the same peak every day: what warm-up and the first days would have taught it.
    await seedDetector(t, arn, t.clock.now().getTime(), (at) => (new Date(at).getUTCHours() === peakHour ? 30 : 3), 7);

    for (let i = 0; i < 10; i++) await minute('daily/reports', [[app(), 3]]);
    for (let i = 0; i < 20; i++) await minute('daily/reports', [[app(), 30]]);
    await closeMinutes();

    expect(put.filter((e) => e.DetailType === 'Read Spike Detected' && e.Detail.secretId === arn)).toEqual([]);
    expect(responses(arn)).toEqual([]);
  });

  it('rotates a secret whose policy says rotate', async () => {
    const arn = await createSecret(t, 'rotate/db', { 'smcp:anomaly-response': 'rotate' });
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);
    await minute('rotate/db', [[app(), 5]]);

    await minute('rotate/db', [
      [app(), 5],
      [intruder(), 100],
    ]);
    await closeMinutes();

    const runs = responses(arn);
    expect(runs.map((r) => [r.status, r.output?.remediation, r.output?.remediated])).toEqual([
      ['SUCCEEDED', 'rotate', true],
    ]);
    expect(put.filter((e) => e.DetailType === 'Rotation Requested' && e.Detail.secretId === arn)).toMatchObject([
      { Detail: { secretId: arn, requestedBy: 'read-anomaly-response' } },
    ]);
  });

  it('escalates instead of quarantining when the reader is the account root', async () => {
    const arn = await createSecret(t, 'root-reader/db', {
      'smcp:anomaly-response': 'quarantine',
      'smcp:approval': 'none',
    });
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);
    await minute('root-reader/db', [[app(), 5]]);

    // A key that is not shaped like an IAM user's signs as the account root locally.
    await minute('root-reader/db', [
      [app(), 5],
      [rootReader(), 100],
    ]);
    await closeMinutes();

    expect(responses(arn).map((r) => r.output)).toMatchObject([
      { remediation: 'escalate', remediated: false, suspect: 'arn:aws:iam::000000000000:root' },
    ]);
    const policy = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }));
    expect(policy.ResourcePolicy).toBeUndefined();
  });

  it('quarantines a new principal whose burst the detector caught, from live reads', async () => {
    const arn = await createSecret(t, 'quarantine-live/db', {
      'smcp:anomaly-response': 'quarantine',
      'smcp:approval': 'none',
    });
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);
    await minute('quarantine-live/db', [[app(), 5]]);

    await minute('quarantine-live/db', [
      [app(), 5],
      [intruder(), 100],
    ]);
    await closeMinutes();

    expect(responses(arn).map((r) => r.output)).toMatchObject([
      { remediation: 'quarantine', remediated: true, suspect: 'arn:aws:iam::000000000000:user/AKIANEWPRINCIPAL0001' },
    ]);
    const policy = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }));
    const statements = JSON.parse(policy.ResourcePolicy ?? '{}').Statement as { Effect: string; Principal: unknown }[];
    expect(statements).toMatchObject([
      { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::000000000000:user/AKIANEWPRINCIPAL0001' } },
    ]);
  });

  it('waits for an approval before quarantining when policy asks, and quarantines once approved', async () => {
    // No smcp:approval tag: the stage default (local: required) applies.
    const arn = await createSecret(t, 'quarantine-approved/db', { 'smcp:anomaly-response': 'quarantine' });
    await seedDetector(t, arn, t.clock.now().getTime(), () => 5);
    await minute('quarantine-approved/db', [[app(), 5]]);

    await minute('quarantine-approved/db', [
      [app(), 5],
      [intruder(), 100],
    ]);
    await closeMinutes();

    const suspect = 'arn:aws:iam::000000000000:user/AKIANEWPRINCIPAL0001';
    const [waiting] = responses(arn);
    expect(waiting).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    expect(waiting?.assessment).toMatchObject({ remediation: 'quarantine', approvalRequired: true, suspect });
    expect(waiting?.states.at(-1)).toBe('Wait For Quarantine Approval');
    const requested = put.filter((e) => e.DetailType === 'Approval Requested' && e.Detail.secretId === arn);
    expect(requested).toMatchObject([
      {
        Detail: {
          action: 'quarantine-principal',
          requestedBy: 'read-anomaly-response',
          executionArn: expect.any(String),
        },
      },
    ]);
    // Nothing is denied while the approval is pending.
    expect((await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy).toBeUndefined();

    const approvalId = String(requested[0]?.Detail.approvalId);
    const decision = await decideApproval(t, { approvalId, decision: 'approve', approver: 'local-operator' });
    await t.cloud.whenIdle();

    expect(decision).toMatchObject({
      ok: true,
      status: 'approved',
      decidedBy: 'local-operator',
      workflowNotified: true,
    });
    const [done] = responses(arn);
    expect(done?.status).toBe('SUCCEEDED');
    expect(done?.states).toEqual(
      expect.arrayContaining(['Wait For Quarantine Approval', 'Quarantine The Principal', 'Principal Was Quarantined']),
    );
    expect(done?.output).toMatchObject({
      remediation: 'quarantine',
      remediated: true,
      approvalRequired: true,
      suspect,
    });
    const policy = await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }));
    expect(JSON.parse(policy.ResourcePolicy ?? '{}').Statement).toMatchObject([
      { Effect: 'Deny', Principal: { AWS: suspect }, Action: [...DENIED_ACTIONS] },
    ]);
  });

  it('quarantines the top reader, keeping the existing resource policy (recorded event)', async () => {
    const existing = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AppReads',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:role/payments-app' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
        },
      ],
    };

    const arn = await publishSpike(
      t,
      'prod/payments/db',
      { 'smcp:anomaly-response': 'quarantine', 'smcp:approval': 'none' },
      (secretArn) =>
        t.clients.sm.send(
          new PutResourcePolicyCommand({ SecretId: secretArn, ResourcePolicy: JSON.stringify(existing) }),
        ),
    );

    expect(responses(arn).map((r) => r.output)).toMatchObject([
      { remediation: 'quarantine', remediated: true, suspect: 'arn:aws:iam::000000000000:user/ci-deployer' },
    ]);
    const policy = JSON.parse(
      (await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy ?? '{}',
    );
    expect(policy.Statement).toEqual([
      existing.Statement[0],
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: 'arn:aws:iam::000000000000:user/ci-deployer' },
        Action: [...DENIED_ACTIONS],
      }),
    ]);
  });

  it('counts a recorded burst once when its records come again in a second log file', async () => {
    const scenario = loadScenario(['events/recorded/reads-duplicate-burst']);
    const events = scenario.events.map((r) => r.event);
    expect(events).toHaveLength(10);
    const delivered = () => t.cloud.cloudTrail.trails().reduce((n, trail) => n + trail.deliveredFiles, 0);
    const before = delivered();

    await replayScenario(inProcess(t.cloud), scenario);

    // One log file per recorded file: 01-burst.json, then 02-burst-delivered-again.json.
    expect(delivered() - before).toBe(2);
    const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/payments/db-Qx7Rt2';
    expect(await bucketCount(secretArn, Date.parse('2026-01-07T10:03:00Z'))).toBe(5);
  });
});

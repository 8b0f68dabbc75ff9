// The replay engine behind the demo, `smcp replay` and the scenario tests: setup.json, the recorded events verbatim,
// settle, and back come the executions with their history and every event the bus saw, in process or over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, loadScenario, overHttp, type ReplayRun, replayScenario } from '../../local/replay/engine.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const DEMO = 'events/recorded/demo';

let t: TestCloud;
let first: ReplayRun | undefined;

const outcomes = (executions: readonly { workflow: string; status: string; awaitingCallback: boolean }[]) =>
  executions.map((e) => `${e.workflow} ${e.awaitingCallback ? 'WAITING' : e.status}`).sort();

beforeAll(async () => {
  t = await startTestCloud();
}, 60_000);

afterAll(async () => t?.cloud.stop());

describe('replay engine', () => {
  it("creates the setup's secrets, replays the events verbatim and returns the executions and the bus's events", async () => {
    const scenario = loadScenario([DEMO]);
    const order: string[] = [];

    const run = await replayScenario(inProcess(t.cloud), scenario, {
      beforeEvents: (created) => {
        order.push(`setup ${created.length}`);
      },
      onPublished: (batch) => order.push(`published ${batch.length}`),
    });

    // A file with CloudTrail records (02-rotation-failed.json) ends a batch: its log file is written before the next.
    expect(order).toEqual(['setup 3', 'published 2', 'published 1']);
    expect(run.created).toEqual(['demo/app/api-key', 'demo/app/db-password', 'demo/app/payments-token']);
    expect(run.published.map((p) => [p.event.id, p.matched])).toEqual(
      scenario.events.map(({ event }) => [event.id, expect.any(Number)]),
    );
    first = run;
    // The requested rotation, the remediation of the failed one on another secret and the rotation it asks for, the
    // verification of each AWSCURRENT they moved, and the rotation that waits for an approval.
    expect(outcomes(run.executions)).toEqual([
      'rotation SUCCEEDED',
      'rotation SUCCEEDED',
      'rotation WAITING',
      'rotation-remediation SUCCEEDED',
      'rotation-verification SUCCEEDED',
      'rotation-verification SUCCEEDED',
    ]);
    expect(run.executions.every((e) => e.history.length > 0)).toBe(true);
    const ids = new Set(run.events.map((e) => e.id));
    for (const { event } of scenario.events) expect(ids).toContain(event.id);
    expect(run.events.map((e) => e['detail-type'])).toContain('Approval Requested');
  });

  it('replays the same way through the /_smcp/ routes of a running cloud', async () => {
    const scenario = loadScenario([DEMO]);

    const run = await replayScenario(overHttp(t.cloud.url), scenario, { freshIds: true });

    // The secrets exist from the first replay; fresh ids start new executions.
    expect(run.created).toEqual([]);
    expect(run.published.map((p) => p.event.id)).not.toEqual(scenario.events.map(({ event }) => event.id));
    // Only the executions this replay started: the rotation that waits from the first replay is not among them (and
    // holds its secret's lock, so this replay's request for that secret finds it locked and ends).
    const before = new Set(first?.executions.map((e) => e.executionArn));
    expect(run.executions).toHaveLength(6);
    expect(run.executions.filter((e) => before.has(e.executionArn))).toEqual([]);
    expect(run.executions.every((e) => e.history.length > 0)).toBe(true);
    expect(run.events.map((e) => e.id)).toEqual(expect.arrayContaining(run.published.map((p) => p.event.id)));
  });
});

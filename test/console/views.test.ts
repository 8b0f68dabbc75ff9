// The console's pure views: an execution's graph and visits from its ASL and history, and the detector's band.
import { describe, expect, it } from 'vitest';
import { createDetectorState, defaultDetectorParams, updateDetector } from '../../functions/reads/domain/detector.ts';
import { bandOf } from '../../local/console/band.ts';
import { executionView, graphOf } from '../../local/console/graph.ts';

const ASL = {
  StartAt: 'Lock',
  States: {
    Lock: { Type: 'Task', Next: 'Locked?', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] },
    'Locked?': { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Wait' }], Default: 'Done' },
    Wait: { Type: 'Task', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail' },
  },
};

const entered = (name: string, at: number, input = '{"a":1}') => ({
  type: 'TaskStateEntered',
  timestamp: at,
  stateEnteredEventDetails: { name, input },
});
const exited = (name: string, at: number, output = '{"a":1,"b":2}') => ({
  type: 'TaskStateExited',
  timestamp: at,
  stateExitedEventDetails: { name, output },
});

describe('execution graph', () => {
  it('draws every state and transition of the ASL, the catch among them', () => {
    const graph = graphOf(ASL);

    expect(graph.nodes.map((n) => [n.id, n.type, n.start, n.end])).toEqual([
      ['Lock', 'Task', true, false],
      ['Locked?', 'Choice', false, false],
      ['Wait', 'Task', false, false],
      ['Done', 'Succeed', false, true],
      ['Failed', 'Fail', false, true],
    ]);
    expect(graph.edges).toEqual([
      { from: 'Lock', to: 'Locked?', kind: 'next' },
      { from: 'Lock', to: 'Failed', kind: 'catch' },
      { from: 'Locked?', to: 'Wait', kind: 'choice' },
      { from: 'Locked?', to: 'Done', kind: 'default' },
      { from: 'Wait', to: 'Done', kind: 'next' },
    ]);
  });

  it('shows the path taken, each visit with duration and sizes, and the state waiting for a callback', () => {
    const history = [
      entered('Lock', 1000),
      exited('Lock', 1250),
      entered('Locked?', 1250),
      exited('Locked?', 1250),
      entered('Wait', 1300),
      { type: 'TaskScheduled', timestamp: 1300, taskScheduledEventDetails: { parameters: '{"token":"SECRET-TOKEN"}' } },
      { type: 'TaskSubmitted', timestamp: 1301, taskSubmittedEventDetails: {} },
    ];

    const view = executionView(ASL, history, { status: 'RUNNING', stopDate: undefined });

    expect(view.path).toEqual(['Lock', 'Locked?', 'Wait']);
    expect(view.taken).toEqual([
      { from: 'Lock', to: 'Locked?' },
      { from: 'Locked?', to: 'Wait' },
    ]);
    expect(view.waiting).toBe('Wait');
    expect(view.visits[0]).toMatchObject({
      status: 'ok',
      enteredAt: 1000,
      exitedAt: 1250,
      inputBytes: 7,
      outputBytes: 13,
    });
    // Only sizes leave the history: a waiting task's parameters hold its token.
    expect(JSON.stringify(view)).not.toContain('SECRET-TOKEN');
  });

  it('marks the state that failed with its error, and closes what the end of the execution ended', () => {
    const history = [
      entered('Lock', 1000),
      {
        type: 'LambdaFunctionFailed',
        timestamp: 1100,
        lambdaFunctionFailedEventDetails: { error: 'Boom', cause: 'x'.repeat(900) },
      },
      exited('Lock', 1100),
      { type: 'FailStateEntered', timestamp: 1100, stateEnteredEventDetails: { name: 'Failed', input: '{}' } },
    ];

    const view = executionView(ASL, history, { status: 'FAILED', stopDate: 1200 });

    expect(view.visits.map((v) => [v.state, v.status, v.error])).toEqual([
      ['Lock', 'failed', 'Boom'],
      ['Failed', 'failed', 'FAILED'],
    ]);
    expect(view.visits[0]?.cause).toHaveLength(500);
    expect(view.visits[1]?.exitedAt).toBe(1200);
    expect(view.waiting).toBeUndefined();
  });
});

describe('detector band', () => {
  const MINUTE = 60_000;
  const start = Date.parse('2026-01-05T00:00:00Z');
  const steady = (minutes: number) => new Map(Array.from({ length: minutes }, (_, i) => [start + i * MINUTE, 5]));

  it('has no band while the detector warms up', () => {
    const points = bandOf(steady(60), start, start, start + 59 * MINUTE);

    expect(points).toHaveLength(60);
    expect(points.every((p) => p.upper === undefined && p.lower === undefined)).toBe(true);
  });

  it('after the warm-up, its top edge is the fewest reads the detector itself would call anomalous', () => {
    const to = start + 26 * 60 * MINUTE;
    const counts = steady(26 * 60);
    const points = bandOf(counts, start, to - 10 * MINUTE, to);
    // The same detector fed the same minutes, asked directly about the last one.
    let state = createDetectorState();
    for (let minute = start; minute < to; minute += MINUTE) {
      state = updateDetector(state, { timestamp: minute, count: counts.get(minute) ?? 0 }).state;
    }
    const last = points.at(-1);
    const ask = (count: number) => updateDetector(state, { timestamp: to, count }, defaultDetectorParams).isAnomaly;

    expect(points).toHaveLength(11);
    expect(last?.upper).toBeGreaterThan(last?.expected ?? 0);
    expect(last?.lower).toBeLessThanOrEqual(last?.expected ?? 0);
    expect(ask(last?.upper ?? 0)).toBe(true);
    expect(ask((last?.upper ?? 0) - 1)).toBe(false);
  });
});

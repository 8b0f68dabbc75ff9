import { describe, expect, it } from 'vitest';
import { formatDuration, formatTimeline } from '../../local/replay/timeline.ts';

const at = (s: number) => Date.UTC(2026, 0, 5, 9, 0, s);

describe('execution timeline', () => {
  it('lists each state with its duration and outcome, and the failing step with its error', () => {
    const history = [
      { type: 'ExecutionStarted', timestamp: at(0) },
      { type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'Lock Secret' } },
      { type: 'TaskStateExited', timestamp: at(1), stateExitedEventDetails: { name: 'Lock Secret' } },
      { type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'Set Secret On Target' } },
      {
        type: 'LambdaFunctionFailed',
        timestamp: at(4),
        lambdaFunctionFailedEventDetails: { error: 'TargetUnreachableError' },
      },
      { type: 'TaskStateExited', timestamp: at(4), stateExitedEventDetails: { name: 'Set Secret On Target' } },
      { type: 'ExecutionFailed', timestamp: at(5) },
    ];

    const text = formatTimeline(
      {
        name: 'e-1',
        workflow: 'rotation',
        status: 'FAILED',
        startDate: at(0),
        stopDate: at(5),
        error: 'TargetUnreachableError',
      },
      history,
    );

    expect(text.split('\n')).toEqual([
      'rotation e-1: FAILED (TargetUnreachableError) in 5.0 s',
      `  ${'Lock Secret'.padEnd(32)} ${'1.0 s'.padStart(8)}  ok`,
      `  ${'Set Secret On Target'.padEnd(32)} ${'3.0 s'.padStart(8)}  failed: TargetUnreachableError`,
    ]);
  });

  it('says when a step waits for a callback', () => {
    const text = formatTimeline({ name: 'e-2', workflow: 'rotation', status: 'WAITING', startDate: at(0) }, [
      { type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'Wait For Approval' } },
      { type: 'TaskSubmitted', timestamp: at(0) },
    ]);

    expect(text).toContain('Wait For Approval');
    expect(text).toContain('waiting for a callback');
  });

  it('writes durations for people', () => {
    expect([formatDuration(15), formatDuration(2_500), formatDuration(600_000), formatDuration(10_800_000)]).toEqual([
      '15 ms',
      '2.5 s',
      '10 min',
      '3.0 h',
    ]);
  });
});

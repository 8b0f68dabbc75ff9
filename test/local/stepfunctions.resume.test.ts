// Executions that were running when the local cloud stopped resume when it starts again: the saved state goes into a
// fresh emulator whose clock has moved on, and each execution replays its history and carries on from where it was.
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, type LambdaFn, startStepFunctions } from '../../local/stepfunctions/harness.ts';

const START = new Date('2025-03-19T10:00:00.000Z');
const lambda = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const WAIT = {
  StartAt: 'Pause',
  States: { Pause: { Type: 'Wait', Seconds: 60, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
};

const CALLBACK = {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 300,
      ResultPath: '$.answer',
      Next: 'After',
    },
    After: { Type: 'Task', Resource: lambda('after'), End: true },
  },
};

const RETRY = {
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Task',
      Resource: lambda('flaky'),
      Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 }],
      End: true,
    },
  },
};

const SEQUENCE = {
  StartAt: 'First',
  States: {
    First: { Type: 'Task', Resource: lambda('first'), Next: 'Second' },
    Second: { Type: 'Task', Resource: lambda('second'), End: true },
  },
};

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const harness = async (start: Date, functions: Record<string, LambdaFn>) => {
  const h = await startStepFunctions({ start, functions });
  open.push(h);
  return h;
};

const started = async (h: Harness, definition: unknown) => {
  const stateMachineArn = h.sfn.registerStateMachine({ name: 'resumable', definition });
  const { executionArn = '' } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{}' }),
  );
  return executionArn;
};

const start = async (h: Harness, definition: unknown) => {
  const executionArn = await started(h, definition);
  await h.advance(0);
  return executionArn;
};

/** Lets the execution run (a function that never answers keeps it busy) until its history has `count` events. */
const untilHistoryHas = async (h: Harness, executionArn: string, count: number) => {
  while (h.sfn.history(executionArn).length < count) await new Promise((resolve) => setImmediate(resolve));
};

/** What a restart does: the state as saved (plain JSON) into a new emulator whose clock reads `at`. */
const restart = async (h: Harness, at: Date, functions: Record<string, LambdaFn>) => {
  const saved = JSON.parse(JSON.stringify(h.sfn.snapshot()));
  const next = await harness(at, functions);
  next.sfn.restore(saved);
  await next.advance(0);
  return next;
};

const describeIn = (h: Harness, executionArn: string) => h.client.send(new DescribeExecutionCommand({ executionArn }));
const historyIn = async (h: Harness, executionArn: string) =>
  (await h.client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
const later = (ms: number) => new Date(START.getTime() + ms);

describe('step functions resume', () => {
  it('waits out only what was left of a Wait state', async () => {
    const first = await harness(START, {});
    const arn = await start(first, WAIT);
    await first.advance(20_000);

    const second = await restart(first, later(30_000), {});
    await second.advance(29_000);
    const stillWaiting = await describeIn(second, arn);
    await second.advance(1_000);
    const done = await describeIn(second, arn);

    expect(stillWaiting.status).toBe('RUNNING');
    expect(done.status).toBe('SUCCEEDED');
    expect((await historyIn(second, arn)).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(second.events.map((e) => e.detail.status)).toEqual(['SUCCEEDED']);
  });

  it('re-arms a waiting callback task with its original token and carries on when it is answered', async () => {
    const tokens: string[] = [];
    const first = await harness(START, { ask: (p) => void tokens.push((p as { token: string }).token) });
    const arn = await start(first, CALLBACK);

    let after = 0;
    const second = await restart(first, later(100_000), { ask: () => ({}), after: () => ({ after: ++after }) });
    await second.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"approved":true}' }));
    await second.advance(0);
    const done = await describeIn(second, arn);
    const types = (await historyIn(second, arn)).map((e) => e.type);

    expect(tokens).toHaveLength(1);
    expect(second.calls.map((c) => c.functionRef)).toEqual([lambda('after')]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"after":1}' });
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('times a resumed callback task out when what was left of its TimeoutSeconds has passed', async () => {
    const first = await harness(START, { ask: () => ({}) });
    const arn = await start(first, CALLBACK);

    const second = await restart(first, later(250_000), { ask: () => ({}) });
    await second.advance(49_000);
    const stillWaiting = await describeIn(second, arn);
    await second.advance(1_000);
    const timedOut = await describeIn(second, arn);

    expect(stillWaiting.status).toBe('RUNNING');
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('resumes a retry backoff with what was left of it, without running the failed attempt again', async () => {
    let attempts = 0;
    const failing: LambdaFn = () => {
      attempts++;
      throw Object.assign(new Error('try again'), { name: 'Transient' });
    };
    const first = await harness(START, { flaky: failing });
    const arn = await start(first, RETRY);
    await first.advance(4_000);

    const second = await restart(first, later(6_000), { flaky: () => ({ attempt: ++attempts }) });
    await second.advance(3_000);
    const stillBackingOff = await describeIn(second, arn);
    await second.advance(1_000);
    const done = await describeIn(second, arn);

    expect(stillBackingOff.status).toBe('RUNNING');
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"attempt":2}' });
    expect((await historyIn(second, arn)).map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('returns a finished task its recorded output and runs a task that was running when the process died again', async () => {
    const first = await harness(START, { first: () => ({ first: 'recorded' }), second: () => new Promise(() => {}) });
    const arn = await started(first, SEQUENCE);
    // …, TaskStateEntered 'Second', LambdaFunctionScheduled, LambdaFunctionStarted: the function is running.
    await untilHistoryHas(first, arn, 9);

    const second = await restart(first, later(1_000), {
      first: () => ({ first: 'ran again' }),
      second: (payload) => ({ saw: payload }),
    });
    const done = await describeIn(second, arn);

    expect(second.calls.map((c) => c.functionRef)).toEqual([lambda('second')]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"saw":{"first":"recorded"}}' });
  });

  it('fails an execution whose history the run does not follow, rather than hand recorded outputs to other states', async () => {
    const first = await harness(START, { first: () => ({ first: 1 }), second: () => new Promise(() => {}) });
    const arn = await started(first, SEQUENCE);
    await untilHistoryHas(first, arn, 9);
    const saved = JSON.parse(JSON.stringify(first.sfn.snapshot()));
    // The recorded first task got another input than the replayed run gives it.
    const scheduled = saved.executions[0].history.find((e: { type: string }) => e.type === 'LambdaFunctionScheduled');
    scheduled.lambdaFunctionScheduledEventDetails.input = '{"tampered":true}';

    const second = await harness(later(1_000), { first: () => ({}), second: () => ({}) });
    second.sfn.restore(saved);
    await second.advance(0);
    const failed = await describeIn(second, arn);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'LocalCloud.ResumeFailed' });
    expect(failed.cause).toContain("the task 'First' gets another input");
    expect(second.calls).toEqual([]);
    expect(second.events.map((e) => e.detail.status)).toEqual(['FAILED']);
  });
});

describe('step functions resume in Map and Parallel states', () => {
  const MAP = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 1,
        ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda('work'), End: true } } },
        End: true,
      },
    },
  };

  it('resumes a Map whose iterations run one at a time, without running a finished iteration again', async () => {
    const seen: unknown[] = [];
    const first = await harness(START, {
      work: (item) => {
        seen.push(item);
        return seen.length === 1 ? { done: item } : new Promise(() => {});
      },
    });
    const stateMachineArn = first.sfn.registerStateMachine({ name: 'resumable', definition: MAP });
    const { executionArn = '' } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify({ items: ['a', 'b'] }) }),
    );
    while (seen.length < 2) await new Promise((resolve) => setImmediate(resolve));

    const second = await restart(first, later(1_000), { work: (item) => ({ done: item }) });
    const done = await describeIn(second, executionArn);

    expect(second.calls.map((c) => c.payload)).toEqual(['b']);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '[{"done":"a"},{"done":"b"}]' });
  });

  // Four iterations at once, each at a different point when the process dies: one waits for its task token, one is
  // in a Lambda that never answered, one is 20 s into a 60 s Wait, one has finished.
  const ITERATIONS = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 4,
        ItemProcessor: {
          StartAt: 'Route',
          States: {
            Route: {
              Type: 'Choice',
              Choices: [
                { Variable: '$.kind', StringEquals: 'ask', Next: 'Ask' },
                { Variable: '$.kind', StringEquals: 'pause', Next: 'Prepare' },
              ],
              Default: 'Work',
            },
            Ask: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token', 'name.$': '$.name' } },
              TimeoutSeconds: 300,
              ResultPath: '$.answer',
              End: true,
            },
            Work: { Type: 'Task', Resource: lambda('work'), ResultPath: '$.result', End: true },
            Prepare: { Type: 'Task', Resource: lambda('prepare'), ResultPath: '$.prepared', Next: 'Pause' },
            Pause: { Type: 'Wait', Seconds: 60, Next: 'Finish' },
            Finish: { Type: 'Task', Resource: lambda('finish'), ResultPath: '$.finished', End: true },
          },
        },
        End: true,
      },
    },
  };
  const ITEMS = [
    { kind: 'ask', name: 'a' },
    { kind: 'work', name: 'b' },
    { kind: 'pause', name: 'c' },
    { kind: 'work', name: 'd' },
  ];

  const startIterations = async (h: Harness) => {
    const stateMachineArn = h.sfn.registerStateMachine({ name: 'resumable', definition: ITERATIONS });
    const { executionArn = '' } = await h.client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify({ items: ITEMS }) }),
    );
    // Not idle ever (b's function never answers): until a waits for its token, c waits and d has finished.
    const reached = (type: string) => h.sfn.history(executionArn).some((e) => e.type === type);
    while (!(reached('TaskSubmitted') && reached('WaitStateEntered') && reached('MapIterationSucceeded'))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return executionArn;
  };

  it('resumes a Map whose iterations were at different points: each completes with its own outputs, nothing finished runs again', async () => {
    const tokens: string[] = [];
    const first = await harness(START, {
      ask: (p) => void tokens.push((p as { token: string }).token),
      work: (p) => ((p as { name: string }).name === 'b' ? new Promise(() => {}) : { worked: 'd', run: 1 }),
      prepare: (p) => ({ prepared: (p as { name: string }).name, run: 1 }),
    });
    const arn = await startIterations(first);

    const second = await restart(first, later(30_000), {
      ask: () => ({}),
      work: (p) => ({ worked: (p as { name: string }).name, run: 2 }),
      prepare: () => ({ prepared: 'again', run: 2 }),
      finish: (p) => ({ finished: (p as { prepared: unknown }).prepared, run: 2 }),
    });
    const callsAfterRestart = second.calls.map((c) => c.functionRef);
    await second.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"answered":"a"}' }));
    await second.advance(29_000);
    const whileCWaits = await describeIn(second, arn);
    await second.advance(1_000);
    const done = await describeIn(second, arn);

    expect(tokens).toHaveLength(1);
    expect(callsAfterRestart).toEqual([lambda('work')]);
    expect(whileCWaits.status).toBe('RUNNING');
    expect(second.calls.map((c) => c.functionRef)).toEqual([lambda('work'), lambda('finish')]);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual([
      { ...ITEMS[0], answer: { answered: 'a' } },
      { ...ITEMS[1], result: { worked: 'b', run: 2 } },
      {
        ...ITEMS[2],
        prepared: { prepared: 'c', run: 1 },
        finished: { finished: { prepared: 'c', run: 1 }, run: 2 },
      },
      { ...ITEMS[3], result: { worked: 'd', run: 1 } },
    ]);
    expect(second.events.map((e) => e.detail.status)).toEqual(['SUCCEEDED']);
  });

  it('resumes the same Map again after a second restart, from a history written partly before the first', async () => {
    const tokens: string[] = [];
    const first = await harness(START, {
      ask: (p) => void tokens.push((p as { token: string }).token),
      work: (p) => ((p as { name: string }).name === 'b' ? new Promise(() => {}) : { worked: 'd', run: 1 }),
      prepare: (p) => ({ prepared: (p as { name: string }).name, run: 1 }),
    });
    const arn = await startIterations(first);
    const second = await restart(first, later(30_000), {
      ask: () => ({}),
      work: (p) => ({ worked: (p as { name: string }).name, run: 2 }),
    });

    const third = await restart(second, later(40_000), {
      ask: () => ({}),
      finish: (p) => ({ finished: (p as { prepared: unknown }).prepared, run: 3 }),
    });
    await third.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"answered":"a"}' }));
    await third.advance(20_000);
    const done = await describeIn(third, arn);

    expect(third.calls.map((c) => c.functionRef)).toEqual([lambda('finish')]);
    expect(JSON.parse(done.output ?? 'null')).toEqual([
      { ...ITEMS[0], answer: { answered: 'a' } },
      { ...ITEMS[1], result: { worked: 'b', run: 2 } },
      {
        ...ITEMS[2],
        prepared: { prepared: 'c', run: 1 },
        finished: { finished: { prepared: 'c', run: 1 }, run: 3 },
      },
      { ...ITEMS[3], result: { worked: 'd', run: 1 } },
    ]);
  });

  it('resumes Parallel branches that ran at the same time, each with its own recorded output', async () => {
    const both = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: lambda('left'), End: true } } },
            {
              StartAt: 'Right',
              States: {
                Right: { Type: 'Task', Resource: lambda('right'), Next: 'Right Again' },
                'Right Again': { Type: 'Task', Resource: lambda('right-again'), End: true },
              },
            },
          ],
          End: true,
        },
      },
    };
    const first = await harness(START, {
      left: () => new Promise(() => {}),
      right: () => ({ right: 1 }),
      'right-again': () => new Promise(() => {}),
    });
    const arn = await started(first, both);
    while (first.calls.length < 3) await new Promise((resolve) => setImmediate(resolve));

    const second = await restart(first, later(1_000), {
      left: () => ({ left: 2 }),
      right: () => ({ right: 2 }),
      'right-again': (p) => ({ again: p }),
    });
    const done = await describeIn(second, arn);

    expect(second.calls.map((c) => c.functionRef).sort()).toEqual([lambda('left'), lambda('right-again')]);
    expect(JSON.parse(done.output ?? 'null')).toEqual([{ left: 2 }, { again: { right: 1 } }]);
  });

  it('fails a resumed Map iteration whose task gets another input than it recorded, running nothing', async () => {
    const first = await harness(START, {
      ask: () => ({}),
      work: (p) => ((p as { name: string }).name === 'b' ? new Promise(() => {}) : { worked: 'd' }),
      prepare: () => ({}),
    });
    const arn = await startIterations(first);
    const saved = JSON.parse(JSON.stringify(first.sfn.snapshot()));
    const recorded = saved.executions[0].history.find(
      (e: { type: string; lambdaFunctionScheduledEventDetails?: { input: string } }) =>
        e.lambdaFunctionScheduledEventDetails?.input.includes('"d"'),
    );
    recorded.lambdaFunctionScheduledEventDetails.input = '{"kind":"work","name":"tampered"}';

    const second = await harness(later(1_000), { ask: () => ({}), work: () => ({}), prepare: () => ({}) });
    second.sfn.restore(saved);
    await second.advance(0);
    const failed = await describeIn(second, arn);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'LocalCloud.ResumeFailed' });
    expect(failed.cause).toContain("the task 'Work' gets another input than its history shows (in Each[3])");
    expect(second.calls.filter((c) => (c.payload as { name?: string }).name === 'd')).toEqual([]);
  });

  it('backs off each concurrent iteration of a retried state on its own', async () => {
    const flaky = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Flaky',
            States: { Flaky: { ...RETRY.States.Flaky, End: true } },
          },
          End: true,
        },
      },
    };
    const attempts = new Map<string, number>();
    const h = await harness(START, {
      flaky: (item) => {
        const n = (attempts.get(String(item)) ?? 0) + 1;
        attempts.set(String(item), n);
        if (n === 1) throw Object.assign(new Error('try again'), { name: 'Transient' });
        return { item, attempt: n };
      },
    });
    const stateMachineArn = h.sfn.registerStateMachine({ name: 'flaky-map', definition: flaky });
    const { executionArn = '' } = await h.client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify({ items: ['x', 'y'] }) }),
    );
    await h.advance(9_999);
    const beforeBackoff = Object.fromEntries(attempts);
    await h.advance(1);
    const done = await describeIn(h, executionArn);

    expect(beforeBackoff).toEqual({ x: 1, y: 1 });
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify([
        { item: 'x', attempt: 2 },
        { item: 'y', attempt: 2 },
      ]),
    });
  });
});

describe('step functions resume of histories written before lanes', () => {
  it('resumes a history without lane marks in order, as it always did', async () => {
    const first = await harness(START, { first: () => ({ first: 'recorded' }), second: () => new Promise(() => {}) });
    const arn = await started(first, SEQUENCE);
    await untilHistoryHas(first, arn, 9);
    const saved = JSON.parse(JSON.stringify(first.sfn.snapshot()));
    for (const event of saved.executions[0].history) delete event.local;

    const second = await harness(later(1_000), { first: () => ({}), second: (payload) => ({ saw: payload }) });
    second.sfn.restore(saved);
    await second.advance(0);
    const done = await describeIn(second, arn);

    expect(second.calls.map((c) => c.functionRef)).toEqual([lambda('second')]);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"saw":{"first":"recorded"}}' });
  });
});

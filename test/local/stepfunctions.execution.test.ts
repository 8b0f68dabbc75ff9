import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, type HarnessOptions, startStepFunctions } from '../../local/stepfunctions/harness.ts';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

class SecretNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretNotFoundError';
  }
}

let h: Harness;
const start = async (options: HarnessOptions = {}) => {
  h = await startStepFunctions(options);
  return h;
};
afterEach(async () => {
  await h.close();
});

const run = async (definition: unknown, input: unknown = {}, name = 'machine') => {
  const stateMachineArn = h.sfn.registerStateMachine({ name, definition });
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await h.sfn.whenIdle();
  return executionArn ?? '';
};

const describeIt = (executionArn: string) => h.client.send(new DescribeExecutionCommand({ executionArn }));
const historyTypes = async (executionArn: string) =>
  ((await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? []).map(
    (e) => e.type,
  );

describe('step functions executions', () => {
  it('runs a Pass → Choice → Task machine to SUCCEEDED with the expected output', async () => {
    await start({ functions: { 'smcp-dev-double': (p) => ({ doubled: (p as { value: number }).value * 2 }) } });

    const arn = await run(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Result: { threshold: 5 }, ResultPath: '$.config', Next: 'Route' },
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$.value', NumericGreaterThan: 5, Next: 'Double' }],
            Default: 'Small',
          },
          Double: { Type: 'Task', Resource: `${fn('smcp-dev-double')}:$LATEST`, ResultPath: '$.result', End: true },
          Small: { Type: 'Succeed' },
        },
      },
      { value: 7 },
    );

    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({ value: 7, config: { threshold: 5 }, result: { doubled: 14 } });
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(h.calls[0]?.functionRef).toBe(`${fn('smcp-dev-double')}:$LATEST`);
    expect(await historyTypes(arn)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(h.events.map((e) => e.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
  });

  it('wraps lambda:invoke results in { Payload, StatusCode } and invokes Parameters.FunctionName', async () => {
    await start({ functions: { 'smcp-dev-plan': (p) => ({ planned: (p as { secretId: string }).secretId }) } });

    const arn = await run(
      {
        StartAt: 'Plan',
        States: {
          Plan: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fn('smcp-dev-plan'), 'Payload.$': '$' },
            ResultSelector: { 'plan.$': '$.Payload', 'status.$': '$.StatusCode' },
            End: true,
          },
        },
      },
      { secretId: 'db/main' },
    );

    const described = await describeIt(arn);
    expect(JSON.parse(described.output ?? '')).toEqual({ plan: { planned: 'db/main' }, status: 200 });
    expect(h.calls).toEqual([{ functionRef: fn('smcp-dev-plan'), payload: { secretId: 'db/main' } }]);
    expect(await historyTypes(arn)).toContain('TaskSucceeded');
  });

  it('routes a Lambda error to the Catch that names it, with the AWS-shaped Cause', async () => {
    await start({
      functions: {
        'smcp-dev-read': () => {
          throw new SecretNotFoundError('db/main is gone');
        },
      },
    });

    const arn = await run({
      StartAt: 'Read',
      States: {
        Read: {
          Type: 'Task',
          Resource: fn('smcp-dev-read'),
          Catch: [
            { ErrorEquals: ['States.Timeout'], Next: 'Wrong' },
            { ErrorEquals: ['SecretNotFoundError'], ResultPath: '$.error', Next: 'Handled' },
          ],
          End: true,
        },
        Wrong: { Type: 'Fail', Error: 'Wrong' },
        Handled: { Type: 'Pass', End: true },
      },
    });

    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output ?? '');
    expect(output.error.Error).toBe('SecretNotFoundError');
    expect(JSON.parse(output.error.Cause)).toMatchObject({
      errorType: 'SecretNotFoundError',
      errorMessage: 'db/main is gone',
    });
    const history = await h.client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const failed = history.events?.find((e) => e.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe('SecretNotFoundError');
  });

  it('fails the execution with the error and cause of an uncaught task failure', async () => {
    await start({
      functions: {
        'smcp-dev-read': () => {
          throw new SecretNotFoundError('db/main is gone');
        },
      },
    });

    const arn = await run({
      StartAt: 'Read',
      States: { Read: { Type: 'Task', Resource: fn('smcp-dev-read'), End: true } },
    });

    const described = await describeIt(arn);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('SecretNotFoundError');
    expect(described.cause).toContain('db/main is gone');
    expect((await historyTypes(arn)).at(-1)).toBe('ExecutionFailed');
    expect(h.events.at(-1)?.detail).toMatchObject({ status: 'FAILED', error: 'SecretNotFoundError' });
  });

  it('names a Lambda service error Lambda.<exception>, so States.TaskFailed and Lambda.* retriers see it', async () => {
    await start();

    const arn = await run({
      StartAt: 'Missing',
      States: {
        Missing: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('smcp-dev-missing') },
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });

    const output = JSON.parse((await describeIt(arn)).output ?? '');
    expect(output.error.Error).toBe('Lambda.ResourceNotFoundException');
  });

  it('retries with exponential backoff that only the clock advances', async () => {
    let attempts = 0;
    await start({
      functions: {
        'smcp-dev-flaky': () => {
          attempts += 1;
          if (attempts < 3) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
          return { ok: true };
        },
      },
    });

    const arn = await run({
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: fn('smcp-dev-flaky'),
          Retry: [{ ErrorEquals: ['ThrottlingException'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 }],
          End: true,
        },
      },
    });

    expect(attempts).toBe(1);
    await h.advance(1999);
    expect(attempts).toBe(1);
    await h.advance(1);
    expect(attempts).toBe(2);
    await h.advance(5999);
    expect(attempts).toBe(2);
    expect((await describeIt(arn)).status).toBe('RUNNING');
    await h.advance(1);
    expect(attempts).toBe(3);
    expect((await describeIt(arn)).status).toBe('SUCCEEDED');
    const types = await historyTypes(arn);
    expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(1);
  });

  it('fails once retries are exhausted', async () => {
    await start({
      functions: {
        'smcp-dev-down': () => {
          throw Object.assign(new Error('down'), { name: 'ThrottlingException' });
        },
      },
    });

    const arn = await run({
      StartAt: 'Down',
      States: {
        Down: {
          Type: 'Task',
          Resource: fn('smcp-dev-down'),
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
          End: true,
        },
      },
    });
    await h.advance(1000);
    await h.advance(2000);

    expect(h.calls).toHaveLength(3);
    expect((await describeIt(arn)).status).toBe('FAILED');
  });

  it('holds a Wait state until the clock passes its duration', async () => {
    await start();

    const arn = await run(
      {
        StartAt: 'Hold',
        States: {
          Hold: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Done' },
          Done: { Type: 'Pass', Result: 'done', End: true },
        },
      },
      { delay: 60 },
    );

    expect((await describeIt(arn)).status).toBe('RUNNING');
    expect(await historyTypes(arn)).toEqual(['ExecutionStarted', 'WaitStateEntered']);
    await h.advance(59_999);
    expect((await describeIt(arn)).status).toBe('RUNNING');
    await h.advance(1);
    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    expect(described.output).toBe('"done"');
    expect(described.stopDate?.toISOString()).toBe('2025-03-19T10:01:00.000Z');
    expect(await historyTypes(arn)).toContain('WaitStateExited');
  });

  it('goes straight through a Wait whose Timestamp has already passed', async () => {
    await start();

    const arn = await run({
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Timestamp: '2025-01-01T00:00:00Z', End: true } },
    });

    expect((await describeIt(arn)).status).toBe('SUCCEEDED');
  });

  it('times an execution out after the definition TimeoutSeconds', async () => {
    await start();

    const arn = await run({
      TimeoutSeconds: 30,
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    await h.advance(30_000);

    const described = await describeIt(arn);
    expect(described.status).toBe('TIMED_OUT');
    expect((await historyTypes(arn)).at(-1)).toBe('ExecutionTimedOut');
    expect(h.events.at(-1)?.detail.status).toBe('TIMED_OUT');
  });

  it('stops a running execution with StopExecution', async () => {
    await start();
    const arn = await run({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } });

    const stopped = await h.client.send(
      new StopExecutionCommand({ executionArn: arn, error: 'Operator.Stop', cause: 'no longer needed' }),
    );

    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await describeIt(arn);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'no longer needed' });
    await h.advance(3_600_000);
    expect((await describeIt(arn)).status).toBe('ABORTED');
    expect((await historyTypes(arn)).at(-1)).toBe('ExecutionAborted');
    expect(h.events.map((e) => e.detail.status)).toEqual(['RUNNING', 'ABORTED']);
  });

  it('runs Parallel branches and Map iterations through the same task handlers', async () => {
    await start({ functions: { 'smcp-dev-check': (p) => ({ checked: p }) } });

    const arn = await run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'left', End: true } } },
              {
                StartAt: 'Each Region',
                States: {
                  'Each Region': {
                    Type: 'Map',
                    ItemsPath: '$.regions',
                    ItemProcessor: {
                      StartAt: 'Check Region',
                      States: { 'Check Region': { Type: 'Task', Resource: fn('smcp-dev-check'), End: true } },
                    },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      { regions: ['eu-west-1', 'us-west-2'] },
    );

    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual(['left', [{ checked: 'eu-west-1' }, { checked: 'us-west-2' }]]);
    const types = await historyTypes(arn);
    expect(types).toContain('ParallelStateEntered');
    expect(types).toContain('MapStateEntered');
    expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(2);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('hands other service integrations to invokeIntegration, and can wait for their callback', async () => {
    const published: unknown[] = [];
    await start({
      invokeIntegration: async (resource, parameters) => {
        published.push({ resource, parameters });
        return { MessageId: 'm-1' };
      },
    });

    const arn = await run({
      StartAt: 'Notify',
      States: {
        Notify: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
          Parameters: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:approvals', 'Message.$': '$$.Task.Token' },
          End: true,
        },
      },
    });

    expect(published).toHaveLength(1);
    const { resource, parameters } = published[0] as { resource: string; parameters: { Message: string } };
    expect(resource).toBe('arn:aws:states:::sns:publish');
    expect(parameters.Message).toMatch(/^AQ/);
    expect((await describeIt(arn)).status).toBe('RUNNING');
  });
});

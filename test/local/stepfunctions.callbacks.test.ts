import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startStepFunctions } from '../../local/stepfunctions/harness.ts';

const APPROVAL_FN = 'arn:aws:lambda:us-east-1:000000000000:function:smcp-dev-request-approval';

const approvalMachine = (waitTask: Record<string, unknown> = {}) => ({
  StartAt: 'Wait For Approval',
  States: {
    'Wait For Approval': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: APPROVAL_FN,
        Payload: { 'taskToken.$': '$$.Task.Token', 'secretId.$': '$.secretId' },
      },
      TimeoutSeconds: 3600,
      ResultPath: '$.approval',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Approval Timed Out' },
        { ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Approval Rejected' },
      ],
      Next: 'Approved',
      ...waitTask,
    },
    Approved: { Type: 'Pass', End: true },
    'Approval Timed Out': { Type: 'Fail', Error: 'ApprovalTimedOut', Cause: 'nobody answered' },
    'Approval Rejected': { Type: 'Fail', Error: 'ApprovalRejected', Cause: 'rejected' },
  },
});

let h: Harness;
const tokens: string[] = [];
beforeEach(async () => {
  tokens.length = 0;
  h = await startStepFunctions({
    functions: {
      'smcp-dev-request-approval': (payload) => {
        tokens.push((payload as { taskToken: string }).taskToken);
        return { notified: true };
      },
    },
  });
});
afterEach(async () => {
  await h.close();
});

const startApproval = async (waitTask: Record<string, unknown> = {}, name?: string) => {
  const stateMachineArn = h.sfn.registerStateMachine({ name: 'rotation', definition: approvalMachine(waitTask) });
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ secretId: 'db/main' }), name }),
  );
  await h.sfn.whenIdle();
  return executionArn ?? '';
};

const describeIt = (executionArn: string) => h.client.send(new DescribeExecutionCommand({ executionArn }));
const historyTypes = async (executionArn: string) =>
  ((await h.client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).map((e) => e.type);

describe('step functions task tokens', () => {
  it('parks a waitForTaskToken state until SendTaskSuccess arrives with its token', async () => {
    const arn = await startApproval();

    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^AQ[A-Za-z0-9_-]{43}$/);
    expect(h.calls[0]?.functionRef).toBe(APPROVAL_FN);
    expect((await describeIt(arn)).status).toBe('RUNNING');

    await h.client.send(
      new SendTaskSuccessCommand({ taskToken: tokens[0], output: JSON.stringify({ approved: true, by: 'alice' }) }),
    );
    await h.sfn.whenIdle();

    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({
      secretId: 'db/main',
      approval: { approved: true, by: 'alice' },
    });
    expect(await historyTypes(arn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const history = await h.client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const scheduled = history.events?.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      timeoutInSeconds: 3600,
    });
    expect(JSON.parse(scheduled?.parameters ?? '').Payload.taskToken).toBe(tokens[0]);
  });

  it('mints a different token for every waiting task', async () => {
    await startApproval({}, 'first');
    await startApproval({}, 'second');

    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('fails the waiting state with the error SendTaskFailure names, so Catch routes it', async () => {
    const arn = await startApproval();

    await h.client.send(new SendTaskFailureCommand({ taskToken: tokens[0], error: 'Rejected', cause: 'not now' }));
    await h.sfn.whenIdle();

    const described = await describeIt(arn);
    expect(described).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected', cause: 'rejected' });
    const history = await h.client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(history.events?.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      error: 'Rejected',
      cause: 'not now',
    });
  });

  it('times the waiting state out with States.Timeout when the clock passes TimeoutSeconds', async () => {
    const arn = await startApproval();

    await h.advance(3_599_000);
    expect((await describeIt(arn)).status).toBe('RUNNING');
    await h.advance(1000);

    const described = await describeIt(arn);
    expect(described).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut' });
    expect(await historyTypes(arn)).toContain('TaskTimedOut');
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('does not let States.TaskFailed catch a timeout, as AWS does not', async () => {
    const arn = await startApproval({
      Catch: [
        { ErrorEquals: ['States.TaskFailed'], Next: 'Approval Rejected' },
        { ErrorEquals: ['States.Timeout'], Next: 'Approval Timed Out' },
      ],
    });

    await h.advance(3_600_000);

    expect((await describeIt(arn)).error).toBe('ApprovalTimedOut');
  });

  it('keeps the task alive while heartbeats arrive and times it out when they stop', async () => {
    const arn = await startApproval({ HeartbeatSeconds: 60 });

    await h.advance(50_000);
    await h.client.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    await h.advance(50_000);
    expect((await describeIt(arn)).status).toBe('RUNNING');
    await h.advance(10_000);

    expect((await describeIt(arn)).error).toBe('ApprovalTimedOut');
  });

  it('rejects a malformed token with InvalidToken and a used one with TaskTimedOut', async () => {
    await startApproval();
    await h.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"approved":true}' }));

    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
      message: "Task Timed Out: 'Provided task does not exist anymore'",
    });
    await expect(h.client.send(new SendTaskFailureCommand({ taskToken: `AQ${'x'.repeat(43)}` }))).rejects.toMatchObject(
      { name: 'TaskDoesNotExist' },
    );
  });

  it('refuses output that is not JSON and keeps the task waiting', async () => {
    const arn = await startApproval();

    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{nope' })),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
    await h.sfn.whenIdle();
    expect((await describeIt(arn)).status).toBe('RUNNING');
  });

  it('ends the wait when the execution is stopped: the token then answers TaskTimedOut', async () => {
    const arn = await startApproval();

    await h.client.send(new StopExecutionCommand({ executionArn: arn }));
    await h.sfn.whenIdle();

    expect((await describeIt(arn)).status).toBe('ABORTED');
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('accepts a callback sent before the invoked function returns', async () => {
    h.setFunction('smcp-dev-request-approval', async (payload) => {
      const taskToken = (payload as { taskToken: string }).taskToken;
      await h.client.send(new SendTaskSuccessCommand({ taskToken, output: '"auto-approved"' }));
      return {};
    });

    const arn = await startApproval();

    const described = await describeIt(arn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '').approval).toBe('auto-approved');
  });
});

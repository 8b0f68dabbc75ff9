// Step Functions' `Execution Status Change` as AWS puts it on the default bus (Step Functions developer guide,
// "EventBridge for Step Functions execution status changes"): one at start and one at the end, the execution's ARN in
// `resources`, dates in epoch milliseconds, and input or output left out once they would not fit an event.
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startStepFunctions } from '../../local/stepfunctions/harness.ts';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:status';

let h: Harness;
beforeEach(async () => {
  h = await startStepFunctions({
    functions: {
      fail: () => {
        throw Object.assign(new Error('no'), { name: 'StepBroke' });
      },
      echo: (payload) => payload,
    },
  });
});
afterEach(async () => {
  await h.close();
});

const machine = (resource: string) =>
  h.sfn.registerStateMachine({
    name: 'status',
    definition: {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:${resource}`, End: true },
      },
    },
  });

describe('execution status change events', () => {
  it('carries the envelope and the detail fields AWS documents, for a start and a failure', async () => {
    machine('fail');

    const { executionArn } = await h.client.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'run-1', input: '{"secretId":"db"}' }),
    );
    await h.sfn.whenIdle();

    const [running, failed] = h.events;
    expect(h.events).toHaveLength(2);
    for (const event of [running, failed]) {
      expect(Object.keys(event ?? {}).sort()).toEqual(
        ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
      );
      expect(event).toMatchObject({
        version: '0',
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        resources: [executionArn],
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    }
    expect(running?.detail).toEqual({
      executionArn,
      stateMachineArn: MACHINE,
      name: 'run-1',
      status: 'RUNNING',
      startDate: expect.any(Number),
      stopDate: null,
      input: '{"secretId":"db"}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
    });
    expect(failed?.detail).toMatchObject({
      status: 'FAILED',
      stopDate: expect.any(Number),
      error: 'StepBroke',
      cause: expect.any(String),
    });
  });

  it('says ABORTED with the error and cause StopExecution gave', async () => {
    h.sfn.registerStateMachine({
      name: 'status',
      definition: { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } },
    });
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn: MACHINE }));
    await h.sfn.whenIdle();

    await h.client.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'maintenance' }));

    expect(h.events.at(-1)?.detail).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'maintenance' });
  });

  it('leaves the output out past 248 KB, and the input once input and output together pass it', async () => {
    machine('echo');
    const big = JSON.stringify({ blob: 'x'.repeat(130 * 1024) });

    await h.client.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'big', input: big }));
    await h.sfn.whenIdle();

    const [running, succeeded] = h.events;
    expect(running?.detail).toMatchObject({ input: big, inputDetails: { included: true } });
    // The output echoes the input: each fits alone, both together do not, so the input is the one left out.
    expect(succeeded?.detail).toMatchObject({
      status: 'SUCCEEDED',
      input: null,
      inputDetails: { included: false },
      output: big,
      outputDetails: { included: true },
    });
  });
});

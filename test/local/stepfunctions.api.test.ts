import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEndpoint } from '../../local/server.ts';
import { type Harness, startStepFunctions } from '../../local/stepfunctions/harness.ts';
import { createStepFunctions } from '../../local/stepfunctions/index.ts';

const HOLD = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } };
const PASS = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

let h: Harness;
let holdArn: string;
beforeEach(async () => {
  h = await startStepFunctions();
  holdArn = h.sfn.registerStateMachine({ name: 'hold', definition: HOLD });
});
afterEach(async () => {
  await h.close();
});

const startHold = (name?: string, input = '{"secretId":"db/main"}') =>
  h.client.send(new StartExecutionCommand({ stateMachineArn: holdArn, name, input }));

describe('step functions StartExecution', () => {
  it('answers the running execution again for the same name and input', async () => {
    const first = await startHold('evt-1');
    await h.advance(5000);

    const again = await startHold('evt-1');

    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(h.sfn.executions()).toHaveLength(1);
  });

  it('refuses the same name with another input, or once the execution has closed', async () => {
    await startHold('evt-1');

    await expect(startHold('evt-1', '{"secretId":"other"}')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await h.advance(60_000);
    await expect(startHold('evt-1')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('generates a UUID name when none is given', async () => {
    const started = await startHold();

    expect(started.executionArn).toMatch(
      /^arn:aws:states:us-east-1:000000000000:execution:hold:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('rejects bad requests with the errors AWS returns', async () => {
    const send = (input: Record<string, unknown>) =>
      h.client.send(
        new StartExecutionCommand(input as unknown as ConstructorParameters<typeof StartExecutionCommand>[0]),
      );

    await expect(send({ input: '{}' })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'stateMachineArn'"),
    });
    await expect(send({ stateMachineArn: holdArn, name: 'has space' })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(send({ stateMachineArn: holdArn, name: 'a/b' })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(send({ stateMachineArn: holdArn, name: 'x'.repeat(81) })).rejects.toMatchObject({
      name: 'InvalidName',
    });
    await expect(send({ stateMachineArn: holdArn, input: '{nope' })).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
    await expect(
      send({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:missing' }),
    ).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
      message: "State Machine Does Not Exist: 'arn:aws:states:us-east-1:000000000000:stateMachine:missing'",
    });
    await expect(send({ stateMachineArn: 'not-an-arn' })).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(send({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:activity:x' })).rejects.toMatchObject({
      name: 'InvalidArn',
    });
    await expect(
      h.client.send(
        new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:hold:none' }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

describe('step functions listings and history', () => {
  it('lists executions newest first, filtered by status, page by page', async () => {
    await startHold('a');
    await h.advance(60_000);
    await startHold('b');
    await h.advance(1000);
    await startHold('c');

    const running = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: holdArn, statusFilter: 'RUNNING' }),
    );
    const page1 = await h.client.send(new ListExecutionsCommand({ stateMachineArn: holdArn, maxResults: 2 }));
    const page2 = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: holdArn, maxResults: 2, nextToken: page1.nextToken }),
    );

    expect(running.executions?.map((e) => e.name)).toEqual(['c', 'b']);
    expect(page1.executions?.map((e) => e.name)).toEqual(['c', 'b']);
    expect(page2.executions?.map((e) => e.name)).toEqual(['a']);
    expect(page2.executions?.[0]?.status).toBe('SUCCEEDED');
    expect(page2.nextToken).toBeUndefined();
  });

  it('pages history with ids, previousEventId and reverseOrder', async () => {
    const { executionArn } = await startHold('a');
    await h.advance(60_000);

    const forward = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2 }));
    const rest = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 2, nextToken: forward.nextToken }),
    );
    const reversed = await h.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }));

    expect(forward.events?.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 1, 'WaitStateEntered'],
    ]);
    expect(rest.events?.map((e) => e.type)).toEqual(['WaitStateExited', 'ExecutionSucceeded']);
    expect(reversed.events?.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(reversed.events?.[0]?.timestamp?.toISOString()).toBe('2025-03-19T10:01:00.000Z');
    await expect(
      h.client.send(new GetExecutionHistoryCommand({ executionArn, nextToken: 'garbage' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('creates, describes and lists state machines through the API', async () => {
    const created = await h.client.send(
      new CreateStateMachineCommand({
        name: 'pass',
        definition: JSON.stringify(PASS),
        roleArn: 'arn:aws:iam::000000000000:role/sfn',
      }),
    );

    const described = await h.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    const listed = await h.client.send(new ListStateMachinesCommand({}));

    expect(described).toMatchObject({
      name: 'pass',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: 'arn:aws:iam::000000000000:role/sfn',
    });
    expect(JSON.parse(described.definition ?? '')).toEqual(PASS);
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(['hold', 'pass']);
    await expect(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'bad',
          definition: '{"StartAt":"X","States":{}}',
          roleArn: 'arn:aws:iam::000000000000:role/sfn',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });
});

describe('step functions snapshot', () => {
  it('restores finished executions with their history and resumes the ones that were running', async () => {
    const finished = await startHold('finished');
    await h.advance(60_000);
    const running = await startHold('running');
    const saved = JSON.parse(JSON.stringify(h.sfn.snapshot()));

    // A day later: the running execution's 60-second wait is long over.
    const sfn = createStepFunctions({
      now: () => new Date('2025-03-20T00:00:00.000Z'),
      clock: { sleep: () => new Promise(() => {}) },
      invokeLambda: async () => ({}),
    });
    sfn.restore(saved);
    await sfn.whenIdle();
    const endpoint = await startEndpoint({ services: [sfn.service], port: 0 });
    const client = new SFNClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const done = await client.send(new DescribeExecutionCommand({ executionArn: finished.executionArn }));
      const resumed = await client.send(new DescribeExecutionCommand({ executionArn: running.executionArn }));
      const history = await client.send(new GetExecutionHistoryCommand({ executionArn: finished.executionArn }));
      const resumedHistory = await client.send(new GetExecutionHistoryCommand({ executionArn: running.executionArn }));

      expect(done.status).toBe('SUCCEEDED');
      expect(history.events?.map((e) => e.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'ExecutionSucceeded',
      ]);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumedHistory.events?.map((e) => e.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'ExecutionSucceeded',
      ]);
      await expect(
        client.send(
          new StartExecutionCommand({ stateMachineArn: holdArn, name: 'finished', input: '{"secretId":"db/main"}' }),
        ),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });
});

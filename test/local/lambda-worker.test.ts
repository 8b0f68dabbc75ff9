// The handlers on a thread of their own (`lambdaThread: 'worker'`, as `smcp local` runs them), through a real local
// cloud: invoked over the Invoke API and by a workflow, their errors' names reaching Step Functions, their log lines
// attributed to them, hooks still wrapping them on the endpoint's thread, and a close that fails what is in flight.

import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { clientsFor, freePort } from '../support/local-cloud.ts';

let cloud: LocalCloud;
let clients: ReturnType<typeof clientsFor>;
const lines: [string, string][] = [];
let dispatch: string;
let acquireLock: string;

const invokeApi = (name: string, payload: unknown) =>
  fetch(`${cloud.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(payload) });

/** A workflow of one step, Lock Secret, with the project's own function; a secret that is not there is caught. */
const lockWorkflow = (functionArn: string) => ({
  StartAt: 'Lock Secret',
  States: {
    'Lock Secret': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Catch: [{ ErrorEquals: ['SecretNotFoundError'], ResultPath: '$.error', Next: 'Secret Not Found' }],
      End: true,
    },
    'Secret Not Found': { Type: 'Pass', End: true },
  },
});

const runWorkflow = async (stateMachineArn: string, input: unknown) => {
  const { executionArn } = await clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  await cloud.whenIdle();
  const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
  const { events = [] } = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return { execution, events };
};

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: await freePort(),
    clock: createManualClock('2026-01-05T09:00:00Z'),
    log: () => {},
    lambdaThread: 'worker',
    preload: true,
    // ingest-reads says what it counted at debug level.
    logLevel: 'DEBUG',
    functionLogs: { onLine: (functionName, line) => lines.push([functionName, line]) },
  });
  clients = clientsFor(cloud.url);
  dispatch = functionNamed(cloud.stack, 'dispatch');
  acquireLock = functionNamed(cloud.stack, 'rotationAcquireLock');
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('handlers on their own thread', () => {
  it('answer the Invoke API with what the handler returned, and their log lines are attributed to them', async () => {
    const response = await invokeApi(dispatch, { rule: 'nope', event: {} });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    expect(await response.json()).toMatchObject({ status: 'rejected' });
    const own = lines.filter(([name]) => name === dispatch).map(([, line]) => JSON.parse(line));
    expect(own).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'Rejected event' }));
  });

  it('run a workflow step: the function reads the secret and writes its lease through the local cloud', async () => {
    const { ARN } = await clients.sm.send(new CreateSecretCommand({ Name: 'worker/app', SecretString: 'v' }));
    const arn = cloud.stepfunctions.registerStateMachine({
      name: 'worker-lock',
      definition: lockWorkflow(cloud.stack.functions.find((f) => f.name === acquireLock)?.arn ?? ''),
    });

    const { execution } = await runWorkflow(arn, { secretId: 'worker/app', owner: 'worker-test-1' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toEqual({ acquired: true, secretArn: ARN });
    expect(lines.some(([name, line]) => name === acquireLock && line.includes('Lock acquired'))).toBe(true);
  });

  it("fail a workflow step with the handler's error name, which the workflow's Catch matches", async () => {
    const arn = cloud.stepfunctions.registerStateMachine({
      name: 'worker-lock-missing',
      definition: lockWorkflow(cloud.stack.functions.find((f) => f.name === acquireLock)?.arn ?? ''),
    });

    const { execution, events } = await runWorkflow(arn, { secretId: 'worker/not-there', owner: 'worker-test-2' });

    expect(execution.status).toBe('SUCCEEDED');
    const failed = events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
    expect(failed?.error).toBe('SecretNotFoundError');
    expect(JSON.parse(failed?.cause ?? '{}')).toMatchObject({
      errorType: 'SecretNotFoundError',
      errorMessage: 'Secret worker/not-there not found',
    });
    expect(JSON.parse(execution.output ?? '{}').error).toMatchObject({ Error: 'SecretNotFoundError' });
  });

  it('answer the Invoke API with a function error, its type and message kept', async () => {
    const response = await invokeApi(acquireLock, { secretId: 'worker/not-there', owner: 'worker-test-3' });

    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({
      errorType: 'SecretNotFoundError',
      errorMessage: 'Secret worker/not-there not found',
    });
  });

  it('are still wrapped by hooks on the endpoint thread: a hook may answer, throw, or pass on another event', async () => {
    const seen: unknown[] = [];
    const unhook = cloud.lambda.hook(async (name, event, next) => {
      if (name !== dispatch) return next(event);
      seen.push(event);
      const { mode } = event as { mode?: string };
      if (mode === 'answer') return { answeredBy: 'hook' };
      if (mode === 'throw') throw Object.assign(new Error('refused by the hook'), { name: 'HookRefusedError' });
      return next({ rule: 'nope', event: {} });
    });

    const answered = await (await invokeApi(dispatch, { mode: 'answer' })).json();
    const thrown = await invokeApi(dispatch, { mode: 'throw' });
    const passedOn = await cloud.lambda.invoke(dispatch, { mode: 'pass' });
    unhook();

    expect(answered).toEqual({ answeredBy: 'hook' });
    expect(thrown.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await thrown.json()).toMatchObject({ errorType: 'HookRefusedError', errorMessage: 'refused by the hook' });
    expect(passedOn).toMatchObject({ status: 'rejected' });
    expect(seen).toEqual([{ mode: 'answer' }, { mode: 'throw' }, { mode: 'pass' }]);
  });
});

describe('a batch from an event source mapping', () => {
  it('reaches the handler whole when it crosses in slices: every record of the batch is read', async () => {
    await clients.sm.send(new CreateSecretCommand({ Name: 'worker/read-often', SecretString: 'v' }));
    for (let i = 0; i < 3; i++) await clients.sm.send(new GetSecretValueCommand({ SecretId: 'worker/read-often' }));
    const [key] = await cloud.cloudTrail.deliver();
    await cloud.whenIdle();
    const bucket = cloud.stack.buckets.find((b) => b.logicalId === 'ReadTrailBucket')?.name ?? '';
    const ingest = functionNamed(cloud.stack, 'ingest-reads');
    const ingestLine = (line: string) => line.includes('Reads ingested');
    const before = lines.filter(([, line]) => ingestLine(line)).length;
    // 640 notices of that log file in one batch, as an event source mapping builds it (fresh): more than two slices of
    // 250 records. (ingest-reads' own mapping takes 10 files a batch; the slices are for any bigger batch.)
    const notice = (i: number) => ({
      messageId: `m-${i}`,
      body: JSON.stringify({
        version: '0',
        id: `n-${i}`,
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '000000000000',
        time: '2026-01-05T09:01:00Z',
        region: 'us-east-1',
        resources: [`arn:aws:s3:::${bucket}`],
        detail: { version: '0', bucket: { name: bucket }, object: { key } },
      }),
    });

    const outcome = await cloud.lambda.invoke(
      ingest,
      { Records: Array.from({ length: 640 }, (_, i) => notice(i)) },
      { fresh: true },
    );

    expect(outcome).toEqual({ batchItemFailures: [] });
    const ingested = lines
      .filter(([name, line]) => name === ingest && ingestLine(line))
      .slice(before)
      .map(([, line]) => JSON.parse(line));
    // Every notice read its file: 3 reads each, already counted by the file's own notice.
    expect(ingested).toEqual([expect.objectContaining({ files: 640, reads: 1920, counted: 0, failed: 0 })]);
    // 640 reads of the file in one fresh worker: about 4 s alone, over 30 s on two cores shared with other test files.
  }, 120_000);
});

describe('closing the handlers thread', () => {
  it('fails an invocation still in flight as a Lambda error, and every one after it, instead of hanging', async () => {
    const { promise: posted, resolve } = Promise.withResolvers<void>();
    cloud.lambda.hook(async (_name, event, next) => {
      const answer = next(event);
      // Handed to the thread, whose answer cannot arrive before this turn is over.
      resolve();
      return answer;
    });
    const inFlight = cloud.lambda.invoke(acquireLock, { secretId: 'worker/app', owner: 'worker-test-4' });
    const outcome = inFlight.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await posted;

    await cloud.lambda.close();

    expect(await outcome).toMatchObject({
      name: 'Runtime.ExitError',
      message: expect.stringContaining('the local cloud stopped'),
    });
    await expect(cloud.lambda.invoke(dispatch, { rule: 'nope', event: {} })).rejects.toMatchObject({
      name: 'Runtime.ExitError',
    });
  });
});

// The JSON-protocol front end every emulator shares: bodies read within size and depth limits, members read in each
// service's own words. A hostile body gets an AWS-shaped 400, never a 500, and the endpoint keeps serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { createEventBus } from '../../local/eventbridge/bus.ts';
import { nestsDeeperThan, parseJson } from '../../local/json-protocol/body.ts';
import { coralErrors, queryCompatibleErrors } from '../../local/json-protocol/errors.ts';
import { createReader } from '../../local/json-protocol/reader.ts';
import { startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { startEndpoint } from '../../local/server.ts';
import { startSqs } from '../../local/sqs/harness.ts';
import { startStepFunctions } from '../../local/stepfunctions/harness.ts';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

type Answer = { status: number; body: { __type?: string; message?: string } & Record<string, unknown> };

const post = async (url: string, target: string, body: string | Uint8Array): Promise<Answer> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
};

let sm: Awaited<ReturnType<typeof startSecretsManager>>;
let sfn: Awaited<ReturnType<typeof startStepFunctions>>;
let sqs: Awaited<ReturnType<typeof startSqs>>;
let events: { url: string; close(): Promise<void> };

beforeAll(async () => {
  sm = await startSecretsManager();
  sfn = await startStepFunctions();
  sfn.sfn.registerStateMachine({
    name: 'pass',
    definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
  });
  sqs = await startSqs();
  const bus = createEventBus({
    clock: createManualClock(),
    region: 'us-east-1',
    account: '000000000000',
    rules: [],
    deliver: async () => {},
  });
  events = await startEndpoint({ services: [bus.service], port: 0 });
});

afterAll(async () => {
  await sm.close();
  await sfn.close();
  await sqs.close();
  await events.close();
});

describe('json protocol bodies', () => {
  it('answers a body nested deeper than 100 levels with SerializationException, in every service', async () => {
    const deep = `{"Extra":${nested(100_000)}}`;

    const answers = await Promise.all([
      post(sm.url, 'secretsmanager.ListSecrets', deep),
      post(sfn.url, 'AWSStepFunctions.ListStateMachines', deep),
      post(sqs.url, 'AmazonSQS.ListQueues', deep),
      post(events.url, 'AWSEvents.ListRules', deep),
    ]);

    expect(answers).toEqual(
      Array(4).fill({
        status: 400,
        body: expect.objectContaining({
          __type: 'SerializationException',
          message: 'Request body nests deeper than 100 levels',
        }),
      }),
    );
  });

  it('reads a body nested exactly 100 levels deep', async () => {
    const atLimit = `{"Name":"json/at-limit","SecretString":"v","Extra":${nested(99)}}`;

    const answer = await post(sm.url, 'secretsmanager.CreateSecret', atLimit);

    expect(answer).toMatchObject({ status: 200, body: { Name: 'json/at-limit' } });
  });

  it('answers an oversized body with SerializationException and keeps serving', async () => {
    const huge = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    const larger = new Uint8Array(17 * 1024 * 1024).fill(0x20);

    const tooLarge = await post(sm.url, 'secretsmanager.ListSecrets', huge);
    const farTooLarge = await post(sfn.url, 'AWSStepFunctions.ListStateMachines', larger);
    const after = await post(sm.url, 'secretsmanager.ListSecrets', '{}');

    expect(tooLarge).toEqual({
      status: 400,
      body: expect.objectContaining({
        __type: 'SerializationException',
        message: `Request body of ${huge.length} bytes exceeds the ${2 * 1024 * 1024} bytes accepted`,
      }),
    });
    expect(farTooLarge).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(after.status).toBe(200);
  });

  it('refuses JSON documents carried in members when they nest too deep, without quoting them', async () => {
    const input = nested(10_000);
    const detail = `{"a":${nested(10_000)}}`;

    const execution = await post(
      sfn.url,
      'AWSStepFunctions.StartExecution',
      JSON.stringify({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pass', input }),
    );
    const put = await post(
      events.url,
      'AWSEvents.PutEvents',
      JSON.stringify({ Entries: [{ Source: 'app', DetailType: 'Deep', Detail: detail }] }),
    );
    const pattern = await post(
      events.url,
      'AWSEvents.TestEventPattern',
      JSON.stringify({ EventPattern: `{"detail":${nested(200)}}`, Event: '{"source":"app"}' }),
    );

    expect(execution).toEqual({
      status: 400,
      body: expect.objectContaining({
        __type: 'InvalidExecutionInput',
        message: "Invalid State Machine Execution Input: 'Input nests deeper than 100 levels'",
      }),
    });
    expect(put).toMatchObject({
      status: 200,
      body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail' }] },
    });
    expect(pattern).toMatchObject({ status: 400, body: { __type: 'InvalidEventPatternException' } });
  });
});

describe('json protocol members', () => {
  it('words missing and wrong-typed members as each service does', async () => {
    const sfnMissing = await post(sfn.url, 'AWSStepFunctions.StartExecution', '{}');
    const eventsMissing = await post(events.url, 'AWSEvents.PutEvents', '{}');
    const sqsMissing = await post(sqs.url, 'AmazonSQS.GetQueueUrl', '{}');
    const sqsWrong = await post(sqs.url, 'AmazonSQS.GetQueueUrl', '{"QueueName":5}');
    const smWrong = await post(sm.url, 'secretsmanager.GetSecretValue', '{"SecretId":5}');

    expect(sfnMissing.body).toMatchObject({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    });
    expect(eventsMissing.body).toMatchObject({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    });
    expect(sqsMissing.body).toMatchObject({
      __type: 'com.amazonaws.sqs#MissingParameter',
      message: 'The request must contain the parameter QueueName.',
    });
    expect(sqsWrong.body).toMatchObject({
      __type: 'com.amazonaws.sqs#InvalidParameterValue',
      message: 'Value for parameter QueueName is invalid. Reason: expected a string.',
    });
    expect(smWrong.body).toMatchObject({
      __type: 'SerializationException',
      message: "Unexpected VALUE_NUMBER at 'secretId': expected a string",
    });
  });

  it('collects every broken constraint into one error, and never echoes a sensitive value', () => {
    const read = createReader({ Name: '', Token: 'short', Secret: 'CANARY-value' }, coralErrors());
    read.string('Name', { min: 1 });
    read.string('Token', { min: 32 });
    read.string('Secret', { max: 3, sensitive: true });

    expect(() => read.done()).toThrow(
      expect.objectContaining({
        type: 'ValidationException',
        message: expect.stringMatching(/^3 validation errors detected: Value '' at 'name'.*'token'.*Value at 'secret'/),
      }),
    );
    expect(() => read.done()).not.toThrow(expect.objectContaining({ message: expect.stringContaining('CANARY') }));
  });

  it('fails a missing member at once where the service does', () => {
    const read = createReader({}, queryCompatibleErrors('com.example#'));

    expect(() => read.string('QueueUrl', { required: true })).toThrow(
      expect.objectContaining({ type: 'com.example#MissingParameter' }),
    );
  });
});

describe('json nesting', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan('{"a":"[[[[[[","b":"\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":[{}]}', 2)).toBe(true);
    expect(parseJson(nested(101))).toEqual({ ok: false, problem: 'nests deeper than 100 levels' });
    expect(parseJson('{"secret":"CANARY"')).toEqual({ ok: false, problem: 'is not valid JSON' });
  });
});

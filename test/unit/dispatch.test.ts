import 'aws-sdk-client-mock-vitest/extend';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { busEvent, delivered, sampleEvent } from '../support/events.ts';

const PREFIX = 'arn:aws:states:us-east-1:000000000000:stateMachine:smcp-test-';
const QUEUE_URL = 'http://127.0.0.1:1/000000000000/smcp-test-dead-letters';
const CANARY = 'canary-VALUE-must-never-be-logged-7f3a';

const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const context = { functionName: 'smcp-test-dispatch', awsRequestId: 'req-1' } as Context;

let handler: (event: unknown, context: Context) => Promise<{ status: string; reason?: string; workflow?: string }>;
const logged: string[] = [];

beforeAll(async () => {
  vi.stubEnv('STATE_MACHINE_ARN_PREFIX', PREFIX);
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', QUEUE_URL);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  // Capture what the logger writes, to check reasons are logged and payloads are not.
  const capture = (chunk: unknown) => {
    logged.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const mod = await import('../../functions/dispatch/handlers/dispatch.ts');
  handler = (event, ctx) => mod.handler(event as never, ctx);
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

beforeEach(() => {
  sfn.reset();
  sqs.reset();
  logged.length = 0;
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

const deadLetters = () =>
  sqs.commandCalls(SendMessageCommand).map((call) => JSON.parse(call.args[0].input.MessageBody ?? '{}'));

describe('dispatch', () => {
  it('starts the rule’s workflow once, named after the event id, with ids and no payload beyond the detail', async () => {
    const event = busEvent({ id: 'b1a5e0d2-0000-4000-8000-000000000001' });

    const result = await handler(delivered('rotation-requested', event), context);

    expect(result).toMatchObject({ status: 'started', workflow: 'rotation' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(`${PREFIX}rotation`);
    expect(input?.name).toBe(event.id);
    expect(JSON.parse(input?.input ?? '{}')).toEqual({
      trigger: {
        rule: 'rotation-requested',
        eventId: event.id,
        source: 'smcp',
        detailType: 'Rotation Requested',
        time: event.time,
        region: 'us-east-1',
        account: '000000000000',
      },
      secretId: 'prod/db/main',
      detail: { secretId: 'prod/db/main', reason: 'quarterly', requestedBy: 'alice' },
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('treats a second delivery of the same event as done (ExecutionAlreadyExists is success)', async () => {
    const event = busEvent();
    await handler(delivered('rotation-requested', event), context);
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));

    const second = await handler(delivered('rotation-requested', event), context);

    expect(second).toMatchObject({ status: 'duplicate', workflow: 'rotation' });
    const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names).toEqual([event.id, event.id]);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('routes a real RotationFailed service event to remediation with the secret from additionalEventData', async () => {
    const event = sampleEvent('enveloped/RotationFailed.eventbridge.json');

    await handler(delivered('rotation-failed', event), context);

    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(
      `${PREFIX}rotation-remediation`,
    );
    expect(input.secretId).toBe('arn:aws:secretsmanager:us-east-2:123456789012:secret:MyDatabaseSecret-a1b2c3');
    expect(input.detail.errorMessage).toContain('during setSecret step');
  });

  it('routes the native Secret Label Updated event to verification using the ARN in resources', async () => {
    const event = sampleEvent('SecretLabelUpdated.eventbridge.json');

    await handler(delivered('current-label-moved', event), context);

    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.secretId).toBe('arn:aws:secretsmanager:us-west-2:012345678901:secret:mySecret-a1b2c3');
  });

  const malformed: [string, unknown, RegExp][] = [
    [
      'missing detail',
      delivered('rotation-requested', { ...busEvent(), detail: undefined }),
      /Malformed "Rotation Requested" detail/,
    ],
    [
      'wrong types',
      delivered('rotation-requested', busEvent({ detail: { secretId: 42, reason: CANARY } })),
      /Malformed "Rotation Requested" detail/,
    ],
    [
      'unknown detail-type',
      delivered('rotation-requested', busEvent({ 'detail-type': 'Rotation Wished For' })),
      /expects source "smcp" and detail-type "Rotation Requested"/,
    ],
    [
      'a 1 MB body',
      delivered('rotation-requested', busEvent({ detail: { secretId: 'x', reason: 'y'.repeat(1024 * 1024) } })),
      /Event is \d+ bytes; the limit is 262144/,
    ],
    ['an unknown rule', delivered('no-such-rule', busEvent()), /Unknown rule "no-such-rule"/],
    ['an event the rule did not wrap', busEvent(), /Not an EventBridge event wrapped by a rule target/],
    [
      'an envelope with a bad time',
      delivered('rotation-requested', busEvent({ time: 'yesterday' })),
      /Not an EventBridge event wrapped by a rule target/,
    ],
  ];

  it.each(malformed)(
    'rejects %s clearly, parks it in the dead-letter queue and starts nothing',
    async (_, event, why) => {
      const result = await handler(event, context);

      expect(result.status).toBe('rejected');
      expect(result.reason).toMatch(why);
      expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: QUEUE_URL });
      expect(deadLetters()[0]).toMatchObject({ source: 'dispatch', reason: expect.stringMatching(why) });
      const errors = logged.filter((line) => line.includes('"level":"ERROR"')).map((line) => JSON.parse(line));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ message: 'Rejected event', reason: expect.stringMatching(why) });
      expect(logged.join('\n')).not.toContain(CANARY);
    },
  );

  it('names the offending field and expected type without echoing the value', async () => {
    const result = await handler(
      delivered('rotation-requested', busEvent({ detail: { secretId: 42, reason: CANARY } })),
      context,
    );

    expect(result.status).toBe('rejected');
    expect(deadLetters()[0].issues).toEqual(['detail.secretId: Invalid input: expected string, received number']);
    expect(JSON.stringify(deadLetters()[0].issues)).not.toContain(CANARY);
  });

  it('keeps an oversized event out of the dead letter, which only names it', async () => {
    const event = busEvent({ detail: { secretId: 'x', reason: 'y'.repeat(1024 * 1024) } });

    await handler(delivered('rotation-requested', event), context);

    expect(deadLetters()[0]).toMatchObject({ eventId: event.id, rule: 'rotation-requested' });
    expect(deadLetters()[0].event).toBeUndefined();
  });

  it('rejects an event nested thousands of levels deep by its depth, parking only its id', async () => {
    let deep: unknown = CANARY;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const event = busEvent({ detail: { secretId: 'x', reason: 'y', extra: deep } });

    const result = await handler(delivered('rotation-requested', event), context);

    expect(result).toEqual({ status: 'rejected', reason: 'Event nests deeper than 100 levels' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(deadLetters()).toMatchObject([{ eventId: event.id, rule: 'rotation-requested' }]);
    expect(deadLetters()[0].event).toBeUndefined();
    expect(logged.join('\n')).not.toContain(CANARY);
  });

  it('parks an event that fits but whose dead letter would not without the event, so the letter is not lost', async () => {
    // Just under the 256 KiB an event may be: the reason and issues push the letter over SQS's message size.
    const shell = busEvent({ detail: { secretId: 42, reason: '' } });
    const room = 256 * 1024 - Buffer.byteLength(JSON.stringify(delivered('rotation-requested', shell))) - 8;
    const event = { ...shell, detail: { secretId: 42, reason: 'y'.repeat(room) } };

    const result = await handler(delivered('rotation-requested', event), context);

    expect(result.status).toBe('rejected');
    expect(deadLetters()).toMatchObject([{ eventId: event.id, eventOmitted: true, issues: expect.any(Array) }]);
    expect(deadLetters()[0].event).toBeUndefined();
  });

  it('cuts what it quotes of the sender, so a reason never grows with the event', async () => {
    const rule = `r${'x'.repeat(100_000)}`;

    const result = await handler(delivered(rule, busEvent()), context);

    expect(result.status).toBe('rejected');
    expect(result.reason?.length).toBeLessThan(120);
    expect(deadLetters()[0].rule).toHaveLength(65);
  });

  it('rejects an event whose workflow is not deployed in this stage instead of retrying forever', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('no'), { name: 'StateMachineDoesNotExist' }));

    const result = await handler(
      delivered('cleanup-scan', busEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })),
      context,
    );

    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringContaining('Workflow "cleanup"') });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('throws on a transient AWS error so the asynchronous invocation is retried', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    await expect(handler(delivered('rotation-requested', busEvent()), context)).rejects.toThrow('slow down');
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });
});

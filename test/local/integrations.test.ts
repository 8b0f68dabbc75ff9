// Step Functions service integrations in the local cloud: sns:publish calls the SNS service's typed publish and
// events:putEvents the bus's PutEvents, with no wire format in between, and fail as AWS names the service's errors.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { createIntegrations } from '../../local/cloud/integrations.ts';
import { type BusEvent, createEventBus, type Via } from '../../local/eventbridge/bus.ts';
import { createSns, type SnsNotification } from '../../local/sns/index.ts';

const setup = () => {
  const lines: string[] = [];
  const sns = createSns({ now: () => new Date('2026-01-05T09:00:00.000Z'), log: (l) => lines.push(l) });
  const bus = createEventBus({
    clock: createManualClock('2026-01-05T09:00:00Z'),
    region: 'us-east-1',
    account: '000000000000',
    rules: [],
    deliver: async () => {},
  });
  const integrate = createIntegrations({ sns, bus, region: 'us-east-1', account: '000000000000' });
  return { sns, bus, integrate, lines };
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => ({ name: error.name, message: error.message }),
  );

describe('sns:publish integration', () => {
  it("publishes through SNS's typed publish: a JSON Message as its text, subject and attributes kept", async () => {
    const { sns, integrate } = setup();
    const topicArn = sns.createTopic('alerts');
    const received: SnsNotification[] = [];
    sns.subscribe(topicArn, (n) => {
      received.push(n);
    });

    const result = (await integrate('arn:aws:states:::sns:publish', {
      TopicArn: topicArn,
      Subject: 'Read spike',
      Message: { secretId: 'prod/db', severity: 'high' },
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
    })) as { MessageId: string };
    await sns.whenIdle();

    expect(received).toEqual([
      {
        Type: 'Notification',
        MessageId: result.MessageId,
        TopicArn: topicArn,
        Subject: 'Read spike',
        Message: '{"secretId":"prod/db","severity":"high"}',
        Timestamp: '2026-01-05T09:00:00.000Z',
        MessageAttributes: { severity: { Type: 'String', Value: 'high' } },
      },
    ]);
  });

  it("fails with SNS's exception names, which the task reports as SNS.<name>", async () => {
    const { sns, integrate } = setup();
    const topicArn = sns.createTopic('alerts');

    const missing = await failure(
      integrate('arn:aws:states:::sns:publish', { TopicArn: `${topicArn}-gone`, Message: 'x' }),
    );
    const empty = await failure(integrate('arn:aws:states:::sns:publish', { TopicArn: topicArn, Message: '' }));
    const unknown = await failure(integrate('arn:aws:states:::sqs:sendMessage', {}));

    expect(missing).toEqual({ name: 'NotFoundException', message: 'Topic does not exist' });
    expect(empty).toEqual({ name: 'InvalidParameterException', message: 'Invalid parameter: Empty message' });
    expect(unknown?.name).toBe('States.Runtime');
    expect(sns.outbox()).toEqual([]);
  });
});

describe('events:putEvents integration', () => {
  it('puts the entries on the bus through PutEvents, as a task callback resource or not', async () => {
    const { bus, integrate } = setup();
    const heard: [BusEvent, Via][] = [];
    bus.tap((event, via) => heard.push([event, via]));

    const result = await integrate('arn:aws:states:::events:putEvents.waitForTaskToken', {
      Entries: [{ Source: 'smcp', DetailType: 'Rotation Requested', Detail: '{"secretId":"prod/db"}' }],
    });

    expect(result).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: heard[0]?.[0].id }] });
    expect(heard.map(([event, via]) => [event.source, event['detail-type'], event.detail, via])).toEqual([
      ['smcp', 'Rotation Requested', { secretId: 'prod/db' }, 'PutEvents'],
    ]);
  });
});

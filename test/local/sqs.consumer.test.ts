import { createHash } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqs } from '../../local/sqs/harness.ts';

let h: SqsHarness;
let logged: string[];
beforeEach(async () => {
  logged = [];
  h = await startSqs({ log: (line) => logged.push(line) });
});
afterEach(async () => {
  await h.close();
});

const REDRIVE = JSON.stringify({
  deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:reads-dlq',
  maxReceiveCount: 2,
});

const sendBodies = async (url: string, bodies: readonly string[]) => {
  await h.client.send(
    new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) }),
  );
};

/** A handler that records every event and answers with `answer(event)`. */
const recording = (answer: (event: SQSEvent) => unknown = () => undefined) => {
  const events: SQSEvent[] = [];
  const handler = async (event: SQSEvent) => {
    events.push(event);
    return answer(event) as { batchItemFailures: { itemIdentifier: string }[] } | undefined;
  };
  return { events, handler, bodies: () => events.map((e) => e.Records.map((r) => r.body)) };
};

describe('sqs event source mapping', () => {
  it('delivers messages in the Lambda SQS event shape and deletes them on success', async () => {
    const { url } = h.sqs.createQueue('reads');
    const consumer = recording();
    h.sqs.attachConsumer('reads', { batchSize: 10, maximumBatchingWindowMs: 0, handler: consumer.handler });

    await h.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"secretId":"s"}',
        MessageAttributes: { source: { DataType: 'String', StringValue: 'aws.secretsmanager' } },
      }),
    );
    await h.sqs.drain();

    const record = consumer.events[0]?.Records[0];
    expect(record).toMatchObject({
      body: '{"secretId":"s"}',
      md5OfBody: createHash('md5').update('{"secretId":"s"}').digest('hex'),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2025-03-19T10:00:00.000Z')) },
      messageAttributes: { source: { stringValue: 'aws.secretsmanager', dataType: 'String' } },
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:reads',
      awsRegion: 'us-east-1',
    });
    expect(record?.receiptHandle).toEqual(expect.any(String));
    expect(record?.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(h.sqs.createQueue('reads')).toEqual({ url, arn: 'arn:aws:sqs:us-east-1:000000000000:reads' });
    const left = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(left.Messages).toBeUndefined();
  });

  it('splits a backlog into batches of batchSize', async () => {
    const { url } = h.sqs.createQueue('reads');
    await sendBodies(url, ['1', '2', '3', '4', '5']);
    const consumer = recording();

    h.sqs.attachConsumer('reads', { batchSize: 2, maximumBatchingWindowMs: 0, handler: consumer.handler });
    await h.sqs.drain();

    expect(consumer.bodies()).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('waits out the batching window before invoking with a partial batch', async () => {
    const { url } = h.sqs.createQueue('reads');
    const consumer = recording();
    h.sqs.attachConsumer('reads', { batchSize: 100, maximumBatchingWindowMs: 5_000, handler: consumer.handler });

    await sendBodies(url, ['a', 'b']);
    await h.clock.advance(4_000);
    await sendBodies(url, ['c']);
    const beforeWindow = consumer.events.length;
    await h.clock.advance(1_000);

    expect(beforeWindow).toBe(0);
    expect(consumer.bodies()).toEqual([['a', 'b', 'c']]);
  });

  it('invokes before the window ends once a full batch is ready', async () => {
    const { url } = h.sqs.createQueue('reads');
    const consumer = recording();
    h.sqs.attachConsumer('reads', { batchSize: 3, maximumBatchingWindowMs: 60_000, handler: consumer.handler });

    await sendBodies(url, ['a', 'b']);
    await h.clock.advance(1_000);
    await sendBodies(url, ['c']);
    await h.clock.advance(0);

    expect(consumer.bodies()).toEqual([['a', 'b', 'c']]);
  });

  it('redelivers only the reported batch item failures after the visibility timeout', async () => {
    const { url } = h.sqs.createQueue('reads', { VisibilityTimeout: '30' });
    let calls = 0;
    const consumer = recording((event) => {
      calls += 1;
      // First call: fail 'b'; afterwards everything succeeds.
      const failed = calls === 1 ? event.Records.filter((r) => r.body === 'b') : [];
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    h.sqs.attachConsumer('reads', { batchSize: 10, maximumBatchingWindowMs: 0, handler: consumer.handler });

    await sendBodies(url, ['a', 'b', 'c']);
    await h.sqs.drain();
    const afterFirst = consumer.bodies();
    await h.clock.advance(29_999);
    const beforeTimeout = consumer.events.length;
    await h.clock.advance(1);
    await h.sqs.drain();

    expect(afterFirst).toEqual([['a', 'b', 'c']]);
    expect(beforeTimeout).toBe(1);
    expect(consumer.bodies()).toEqual([['a', 'b', 'c'], ['b']]);
    expect(consumer.events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(logged).toEqual([expect.stringContaining('1 of 3 records failed')]);
  });

  it('fails the whole batch when the handler throws or reports an unknown item', async () => {
    const { url } = h.sqs.createQueue('reads', { VisibilityTimeout: '10' });
    let calls = 0;
    const consumer = recording(() => {
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return undefined;
    });
    h.sqs.attachConsumer('reads', { batchSize: 10, maximumBatchingWindowMs: 0, handler: consumer.handler });

    await sendBodies(url, ['a', 'b']);
    await h.sqs.drain();
    await h.clock.advance(10_000);
    await h.sqs.drain();
    await h.clock.advance(10_000);
    await h.sqs.drain();

    expect(consumer.bodies()).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(logged[0]).toContain('database unavailable');
    expect((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
  });

  it("moves a message that keeps failing to the queue's dead-letter queue after maxReceiveCount", async () => {
    h.sqs.createQueue('reads-dlq');
    const { url } = h.sqs.createQueue('reads', { VisibilityTimeout: '10', RedrivePolicy: REDRIVE });
    const consumer = recording((event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const dead = recording();
    h.sqs.attachConsumer('reads', { batchSize: 10, maximumBatchingWindowMs: 0, handler: consumer.handler });
    h.sqs.attachConsumer('reads-dlq', { batchSize: 10, maximumBatchingWindowMs: 0, handler: dead.handler });

    await sendBodies(url, ['good', 'poison']);
    await h.sqs.drain();
    await h.clock.advance(10_000);
    await h.sqs.drain();
    await h.clock.advance(10_000);
    await h.sqs.drain();

    expect(consumer.bodies()).toEqual([['good', 'poison'], ['poison']]);
    expect(dead.bodies()).toEqual([['poison']]);
    expect(dead.events[0]?.Records[0]?.attributes.DeadLetterQueueSourceArn).toBe(
      'arn:aws:sqs:us-east-1:000000000000:reads',
    );
  });

  it('stops delivering after detach', async () => {
    const { url } = h.sqs.createQueue('reads');
    const consumer = recording();
    const mapping = h.sqs.attachConsumer('reads', {
      batchSize: 1,
      maximumBatchingWindowMs: 0,
      handler: consumer.handler,
    });

    mapping.detach();
    await sendBodies(url, ['a']);
    await h.sqs.drain();

    expect(consumer.events).toEqual([]);
    expect((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body).toBe('a');
  });

  it('rejects a mapping on a missing queue and a batch size Lambda would refuse', () => {
    h.sqs.createQueue('reads');

    expect(() =>
      h.sqs.attachConsumer('missing', { batchSize: 1, maximumBatchingWindowMs: 0, handler: async () => {} }),
    ).toThrow();
    expect(() =>
      h.sqs.attachConsumer('reads', { batchSize: 50, maximumBatchingWindowMs: 0, handler: async () => {} }),
    ).toThrow(/batchingWindow|maximumBatchingWindowMs/);
  });
});

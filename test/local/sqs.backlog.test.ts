// A queue with a backlog of 100,000 messages (what the bus can leave on the read pipeline's queue while its consumer
// falls behind) answers as a queue of ten does: in send order, with visibility timeouts, deletes, visibility changes,
// counts, an event source mapping's batches and retention all correct. Behaviour, not timing: no test asserts a speed.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqs } from '../../local/sqs/harness.ts';

const BACKLOG = 100_000;

let h: SqsHarness;
beforeEach(async () => {
  h = await startSqs({ log: () => {} });
});
afterEach(async () => {
  await h.close();
});

const counts = async (QueueUrl: string) => {
  const { Attributes = {} } = await h.client.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return [
    Attributes.ApproximateNumberOfMessages,
    Attributes.ApproximateNumberOfMessagesNotVisible,
    Attributes.ApproximateNumberOfMessagesDelayed,
  ].map(Number);
};

const receive = async (QueueUrl: string, VisibilityTimeout?: number) =>
  (
    await h.client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        ...(VisibilityTimeout === undefined ? {} : { VisibilityTimeout }),
      }),
    )
  ).Messages ?? [];

describe(`sqs with a backlog of ${BACKLOG.toLocaleString('en')} messages`, () => {
  it('receives in send order, hides, deletes, changes visibility and counts as with a short queue', async () => {
    const { url } = h.sqs.createQueue('reads', { VisibilityTimeout: '30', MessageRetentionPeriod: '3600' });
    // Through the bus's way in (no HTTP per message): the backlog a burst of reads leaves.
    for (let i = 0; i < BACKLOG; i++) h.sqs.sendMessage('reads', `m${i}`);
    const full = await counts(url);

    const first = await receive(url);
    const second = await receive(url);
    // One of the first batch back at once; the rest of it deleted; the second batch left in flight.
    await h.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first[3]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    await h.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: first.filter((_, i) => i !== 3).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    const third = await receive(url);
    const afterThird = await counts(url);
    await h.clock.advance(30_000);
    // Every timeout is over: what was received comes back before what never was, each in send order (m3 first).
    const fourth = await receive(url, 0);

    expect(full).toEqual([BACKLOG, 0, 0]);
    expect(first.map((m) => m.Body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(second.map((m) => m.Body)).toEqual(['m10', 'm11', 'm12', 'm13', 'm14', 'm15', 'm16', 'm17', 'm18', 'm19']);
    expect(third.map((m) => m.Body)).toEqual(['m3', 'm20', 'm21', 'm22', 'm23', 'm24', 'm25', 'm26', 'm27', 'm28']);
    expect(third[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(afterThird).toEqual([BACKLOG - 9 - 20, 20, 0]);
    expect(fourth.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['m3', '3'],
      ...second.slice(0, 9).map((m) => [m.Body, '2']),
    ]);
  }, 60_000);

  it('drains it through an event source mapping in batches, returning only the failed records, then expires', async () => {
    const { url } = h.sqs.createQueue('reads', { VisibilityTimeout: '60', MessageRetentionPeriod: '600' });
    for (let i = 0; i < BACKLOG; i++) h.sqs.sendMessage('reads', `m${i}`);
    const batches: number[] = [];
    const failed = new Set(['m7', 'm54321', 'm99999']);
    const mapping = h.sqs.attachConsumer('reads', {
      batchSize: 10_000,
      maximumBatchingWindowMs: 1_000,
      handler: async (event: SQSEvent) => {
        batches.push(event.Records.length);
        return {
          batchItemFailures: event.Records.filter((r) => failed.has(r.body)).map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });

    await h.sqs.drain();
    const drained = await counts(url);
    mapping.detach();
    await h.clock.advance(60_000);
    const returned = await receive(url);
    // Sent again later than the rest: kept until their own retention ends.
    await h.clock.advance(400_000);
    h.sqs.sendMessage('reads', 'late');
    await h.clock.advance(200_000);
    const expired = await counts(url);

    expect(batches).toEqual(Array.from({ length: 10 }, () => 10_000));
    expect(drained).toEqual([0, 3, 0]);
    expect(returned.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['m7', '2'],
      ['m54321', '2'],
      ['m99999', '2'],
    ]);
    expect(expired).toEqual([1, 0, 0]);
  }, 60_000);
});

import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqs } from '../../local/sqs/harness.ts';

let h: SqsHarness;
beforeEach(async () => {
  h = await startSqs();
});
afterEach(async () => {
  await h.close();
});

const create = async (name: string, Attributes?: Record<string, string>) =>
  (await h.client.send(new CreateQueueCommand({ QueueName: name, ...(Attributes ? { Attributes } : {}) }))).QueueUrl ??
  '';

const receive = async (QueueUrl: string, input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  (await h.client.send(new ReceiveMessageCommand({ QueueUrl, ...input }))).Messages ?? [];

describe('sqs queues', () => {
  it('creates a queue at a URL on the endpoint and finds it by name', async () => {
    const url = await create('reads');

    const found = await h.client.send(new GetQueueUrlCommand({ QueueName: 'reads' }));

    expect(url).toBe(`${h.url}/000000000000/reads`);
    expect(found.QueueUrl).toBe(url);
  });

  it('serves a client configured only through AWS_ENDPOINT_URL, which sends queue calls to the queue URL', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = h.url;
    const envClient = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    try {
      const url = await create('reads');

      await envClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'via env' }));

      expect((await receive(url)).map((m) => m.Body)).toEqual(['via env']);
    } finally {
      envClient.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('returns the same queue for a repeated CreateQueue and rejects a different attribute value', async () => {
    const url = await create('reads', { VisibilityTimeout: '60' });

    expect(await create('reads', { VisibilityTimeout: '60' })).toBe(url);
    await expect(create('reads', { VisibilityTimeout: '61' })).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('reports defaults, settable and computed attributes', async () => {
    const url = await create('reads');
    await h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '45' } }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', DelaySeconds: 10 }));

    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );

    expect(Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:reads',
      VisibilityTimeout: '45',
      MessageRetentionPeriod: '345600',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('rejects unknown attributes and out-of-range values', async () => {
    const url = await create('reads');

    await expect(
      // A name the SDK's types refuse, as a CLI user could still send it.
      h.client.send(
        new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Colour: 'blue' } as Record<string, string> }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
    await expect(
      h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '50000' } })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
  });

  it('fails with QueueDoesNotExist for an unknown queue', async () => {
    await expect(h.client.send(new GetQueueUrlCommand({ QueueName: 'missing' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
    await expect(
      h.client.send(new SendMessageCommand({ QueueUrl: `${h.url}/000000000000/missing`, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist', message: 'The specified queue does not exist.' });
  });

  it('lists queues by prefix, pages with MaxResults, and forgets deleted ones', async () => {
    for (const name of ['reads', 'reads-dlq', 'alerts']) await create(name);
    await h.client.send(new DeleteQueueCommand({ QueueUrl: `${h.url}/000000000000/alerts` }));

    const all = await h.client.send(new ListQueuesCommand({}));
    const first = await h.client.send(new ListQueuesCommand({ QueueNamePrefix: 'reads', MaxResults: 1 }));
    const second = await h.client.send(
      new ListQueuesCommand({ QueueNamePrefix: 'reads', MaxResults: 1, NextToken: first.NextToken }),
    );

    expect(all.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual(['reads', 'reads-dlq']);
    expect(first.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual(['reads']);
    expect(second.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual(['reads-dlq']);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('sqs messages', () => {
  it('sends and receives with the MD5 digests the SDK checks and AWS documents', async () => {
    const url = await create('reads');

    const sent = await h.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'hello',
        MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      }),
    );
    const [message] = await receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] });

    // The attribute digest of AWS's own documentation example.
    expect(sent.MD5OfMessageAttributes).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'hello',
      MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
      MD5OfMessageAttributes: 'cd28f3b68aeee4b2eac9c66f2f694b58',
      MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2025-03-19T10:00:00.000Z')) },
    });
  });

  it('round-trips binary and number attributes and returns only the attributes asked for', async () => {
    const url = await create('reads');
    await h.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'x',
        MessageAttributes: {
          'trace.id': { DataType: 'String', StringValue: 't-1' },
          count: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2]) },
        },
      }),
    );

    const [message] = await receive(url, { MessageAttributeNames: ['trace.*', 'blob'] });

    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(['blob', 'trace.id']);
    expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([0, 1, 2]);
    expect(message?.Attributes).toBeUndefined();
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    const url = await create('reads', { VisibilityTimeout: '30' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));

    await receive(url);
    const hidden = await receive(url, { WaitTimeSeconds: 20 });
    await h.clock.advance(30_000);
    const again = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });

    expect(hidden).toEqual([]);
    expect(again[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('honours a per-receive VisibilityTimeout and ChangeMessageVisibility', async () => {
    const url = await create('reads');
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [first] = await receive(url, { VisibilityTimeout: 5 });
    await h.clock.advance(5_000);
    const [second] = await receive(url);

    await h.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    const [third] = await receive(url);

    expect(first?.MessageId).toBeDefined();
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(third?.MessageId).toBe(first?.MessageId);
    await expect(
      h.client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'bogus', VisibilityTimeout: 1 }),
      ),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('deletes messages singly and in batches', async () => {
    const url = await create('reads');
    await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: `m-${body}`, MessageBody: body })),
      }),
    );
    const messages = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    const [a, ...rest] = messages;

    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a?.ReceiptHandle }));
    const batch = await h.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: rest.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );

    expect(messages.map((m) => m.Body)).toEqual(['a', 'b', 'c']);
    expect(batch.Successful?.map((s) => s.Id)).toEqual(['d0', 'd1']);
    expect(await receive(url)).toEqual([]);
  });

  it('reports per-entry failures in SendMessageBatch and rejects malformed batches', async () => {
    const url = await create('reads');

    const result = await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', MessageBody: 'fine' },
          { Id: 'late', MessageBody: 'too late', DelaySeconds: 901 },
        ],
      }),
    );

    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'late', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
    await expect(h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toMatchObject({
      name: 'EmptyBatchRequest',
    });
    await expect(
      h.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'same', MessageBody: '1' },
            { Id: 'same', MessageBody: '2' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
  });

  it('purges a queue at most once a minute', async () => {
    const url = await create('reads');
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));

    await h.client.send(new PurgeQueueCommand({ QueueUrl: url }));

    expect(await receive(url)).toEqual([]);
    await expect(h.client.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({
      name: 'PurgeQueueInProgress',
    });
    await h.clock.advance(60_000);
    await expect(h.client.send(new PurgeQueueCommand({ QueueUrl: url }))).resolves.toBeDefined();
  });

  it('moves a message to the dead-letter queue once maxReceiveCount is exceeded', async () => {
    const dlq = await create('reads-dlq');
    const url = await create('reads', {
      VisibilityTimeout: '10',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:reads-dlq',
        maxReceiveCount: 2,
      }),
    });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));

    await receive(url);
    await h.clock.advance(10_000);
    await receive(url);
    await h.clock.advance(10_000);
    const third = await receive(url);
    const [dead] = await receive(dlq, { MessageSystemAttributeNames: ['All'] });

    expect(third).toEqual([]);
    expect(dead?.Body).toBe('poison');
    expect(dead?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:000000000000:reads',
    });
  });

  it('delays a message by its DelaySeconds or the queue default, then delivers it in send order', async () => {
    const url = await create('reads', { DelaySeconds: '5' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue-delay' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'own-delay', DelaySeconds: 2 }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no-delay', DelaySeconds: 0 }));

    const first = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    await h.clock.advance(2_000);
    const second = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    await h.clock.advance(3_000);
    const third = await receive(url, { MaxNumberOfMessages: 10, VisibilityTimeout: 0 });

    expect(first.map((m) => m.Body)).toEqual(['no-delay']);
    expect(second.map((m) => m.Body)).toEqual(['own-delay', 'no-delay']);
    expect(third.map((m) => m.Body)).toEqual(['queue-delay', 'own-delay', 'no-delay']);
  });

  it('refuses a visibility change for a message that is not in flight, and extends one that is', async () => {
    const url = await create('reads', { VisibilityTimeout: '10' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [message] = await receive(url);
    const change = (VisibilityTimeout: number) =>
      h.client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout }),
      );

    await change(60);
    await h.clock.advance(59_000);
    const stillHidden = await receive(url);
    await h.clock.advance(1_000);
    const refused = await change(30).catch((error: Error) => error.name);
    const again = await receive(url);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again[0]?.ReceiptHandle }));

    expect(stillHidden).toEqual([]);
    expect(refused).toBe('MessageNotInflight');
    expect(again.map((m) => m.MessageId)).toEqual([message?.MessageId]);
    await expect(change(30)).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('drops messages past the retention period, a dead letter by the time it was first sent', async () => {
    const dlq = await create('reads-dlq', { MessageRetentionPeriod: '120' });
    const url = await create('reads', {
      VisibilityTimeout: '30',
      MessageRetentionPeriod: '100',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:reads-dlq',
        maxReceiveCount: 1,
      }),
    });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    await h.clock.advance(10_000);
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'young' }));
    await receive(url);
    await h.clock.advance(30_000);
    // Past its maxReceiveCount: 'poison' moves to the dead-letter queue at 40 s; 'young' is hidden until 70 s.
    await receive(url);
    const counts = async (QueueUrl: string) =>
      (await h.client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes;

    await h.clock.advance(60_000);
    const at100s = [await counts(url), await counts(dlq)];
    await h.clock.advance(20_000);
    const at120s = [await counts(url), await counts(dlq)];

    // At 100 s 'poison' (sent at 0 s) has outlived the queue's retention but not the DLQ's 120 s; at 120 s it has
    // outlived that too, counted from when it was first sent, not from when it became a dead letter. 'young' (sent at
    // 10 s) is still there at 100 s, and gone at 120 s.
    expect(at100s.map((a) => a?.ApproximateNumberOfMessages)).toEqual(['1', '1']);
    expect(at120s.map((a) => a?.ApproximateNumberOfMessages)).toEqual(['0', '0']);
    expect(await receive(dlq)).toEqual([]);
  });

  it('counts visible, in-flight and delayed messages', async () => {
    const url = await create('reads');
    await h.client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ['a', 'b', 'c', 'd'].map((body, i) => ({
          Id: body,
          MessageBody: body,
          DelaySeconds: i === 3 ? 60 : 0,
        })),
      }),
    );
    await receive(url, { MaxNumberOfMessages: 2 });

    const { Attributes } = await h.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );

    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '2',
      ApproximateNumberOfMessagesDelayed: '1',
    });
  });

  it('keeps queues and messages across snapshot and restore', async () => {
    const url = await create('reads');
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
    const saved = JSON.parse(JSON.stringify(h.sqs.snapshot()));
    await h.client.send(new DeleteQueueCommand({ QueueUrl: url }));

    h.sqs.restore(saved);

    expect((await receive(url)).map((m) => m.Body)).toEqual(['kept']);
  });

  it('keeps a message in flight across snapshot and restore, with its receive count', async () => {
    const url = await create('reads', { VisibilityTimeout: '30' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'waiting' }));
    await receive(url);
    const saved = JSON.parse(JSON.stringify(h.sqs.snapshot()));

    h.sqs.restore(saved);
    const first = await receive(url, { MaxNumberOfMessages: 10 });
    await h.clock.advance(30_000);
    const later = await receive(url, { MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });

    expect(first.map((m) => m.Body)).toEqual(['waiting']);
    expect(later.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['in flight', '2'],
      ['waiting', '2'],
    ]);
  });
});

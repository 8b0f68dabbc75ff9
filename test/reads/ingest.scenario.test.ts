// Real reads through the real pipeline: SDK → Secrets Manager emulator → CloudTrail event → read-events rule (the
// opt-in state for read-only events) → SQS → ingest-reads → counters in DynamoDB.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { readsNames } from './names.ts';
import { createSecret, reader, readFor } from './support.ts';

let t: TestCloud;
let names: ReturnType<typeof readsNames>;

const items = async (pk: string) =>
  (
    await t.clients.ddb.send(
      new QueryCommand({
        TableName: names.countersTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
      }),
    )
  ).Items ?? [];

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-05T09:00:10Z' });
  names = readsNames(t.cloud.stack);
});
afterAll(async () => t?.cloud.stop());

describe('ingest-reads through the local cloud', () => {
  it('counts reads per secret ARN and minute, by name or ARN, and per principal', async () => {
    const arn = await createSecret(t, 'ingest/by-name');
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), 'ingest/by-name', 3);
    await readFor(reader(t, 'AKIAAPPSERVER0000002'), arn, 2);

    await t.cloud.whenIdle();

    const [bucket, ...others] = await items(`S#${arn}`);
    expect(others).toEqual([]);
    expect(bucket?.sk?.S).toBe('M#2026-01-05T09:00:00.000Z');
    expect(bucket?.n?.N).toBe('5');
    // One count per principal, in the same item: the emulator signs as the account root, the key tells them apart.
    expect(bucket?.['p:arn:aws:iam::000000000000:user/AKIAAPPSERVER0000001|AKIAAPPSERVER0000001']?.N).toBe('3');
    expect(bucket?.['p:arn:aws:iam::000000000000:user/AKIAAPPSERVER0000002|AKIAAPPSERVER0000002']?.N).toBe('2');
    expect(bucket?.ids?.SS).toHaveLength(5);
  });

  it('counts a BatchGetSecretValue once per secret it returned', async () => {
    const a = await createSecret(t, 'ingest/batch-a');
    const b = await createSecret(t, 'ingest/batch-b');

    await reader(t, 'AKIABATCHREADER00001').send(
      new BatchGetSecretValueCommand({ SecretIdList: ['ingest/batch-a', 'ingest/batch-b'] }),
    );
    await t.cloud.whenIdle();

    expect((await items(`S#${a}`)).map((i) => i.n?.N)).toEqual(['1']);
    expect((await items(`S#${b}`)).map((i) => i.n?.N)).toEqual(['1']);
  });

  it('parks a malformed queue message in the dead-letter queue instead of retrying it', async () => {
    const url = async (name: string) =>
      (await t.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
    const queue = await url(names.readLogFilesQueue);

    await t.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: '{"v":1,"eventID":42}' }));
    await t.cloud.whenIdle();

    const left = await t.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue, VisibilityTimeout: 0 }));
    const parked = await t.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await url(names.deadLetterQueue),
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );
    expect(left.Messages ?? []).toEqual([]);
    expect((parked.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'))).toContainEqual(
      expect.objectContaining({ source: 'ingest-reads', reason: 'Not a CloudTrail read of a secret' }),
    );
  });
});

// Where the emulators once differed from AWS (found comparing them call by call with the API reference and its model):
// each case through the real SDK against the endpoint, as an application would meet it.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { type SqsHarness, startSqs } from '../../local/sqs/harness.ts';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) =>
      error as {
        name: string;
        message: string;
        Code?: string;
        Error?: { Code?: string };
        $metadata?: { httpStatusCode?: number };
      },
  );

const tags = (count: number, prefix = 'team') =>
  Array.from({ length: count }, (_, i) => ({ Key: `${prefix}-${i}`, Value: `v${i}` }));

let h: Harness;
let q: SqsHarness;
beforeAll(async () => {
  h = await startSecretsManager();
  q = await startSqs();
});
afterAll(async () => {
  await h.close();
  await q.close();
});

describe('secrets manager tag quota', () => {
  it('creates a secret with 50 tags and refuses 51, as TagResource does, creating nothing', async () => {
    const fifty = await h.client().send(new CreateSecretCommand({ Name: 'tags/fifty', Tags: tags(50) }));
    const fiftyOne = await failure(h.client().send(new CreateSecretCommand({ Name: 'tags/51', Tags: tags(51) })));
    const oneMore = await failure(
      h.client().send(new TagResourceCommand({ SecretId: 'tags/fifty', Tags: [{ Key: 'extra', Value: 'x' }] })),
    );
    const missing = await failure(h.client().send(new DescribeSecretCommand({ SecretId: 'tags/51' })));

    expect(fifty.ARN).toBeDefined();
    for (const refused of [fiftyOne, oneMore]) {
      expect(refused).toMatchObject({
        name: 'LimitExceededException',
        message: 'The request failed because it would exceed one of the Secrets Manager quotas.',
      });
    }
    expect(missing?.name).toBe('ResourceNotFoundException');
  });

  it('does not count aws: tags against the 50', async () => {
    const created = await h
      .client()
      .send(new CreateSecretCommand({ Name: 'tags/system', Tags: [...tags(50), ...tags(3, 'aws:cloudformation')] }));

    expect(created.ARN).toBeDefined();
  });
});

describe('secrets manager empty values', () => {
  it('refuses an empty SecretString on create, put and update, never storing it', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 'empty/value', SecretString: 'first' }));
    const expected = {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1",
    };

    const create = await failure(h.client().send(new CreateSecretCommand({ Name: 'empty/new', SecretString: '' })));
    const put = await failure(
      h.client().send(new PutSecretValueCommand({ SecretId: 'empty/value', SecretString: '' })),
    );
    const update = await failure(
      h.client().send(new UpdateSecretCommand({ SecretId: 'empty/value', SecretString: '' })),
    );
    const binary = await failure(
      h.client().send(new PutSecretValueCommand({ SecretId: 'empty/value', SecretBinary: new Uint8Array() })),
    );
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 'empty/value' }));

    expect([create, put, update]).toEqual([
      expect.objectContaining(expected),
      expect.objectContaining(expected),
      expect.objectContaining(expected),
    ]);
    expect(binary).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'secretBinary'") });
    expect(Object.keys(described.VersionIdsToStages ?? {})).toHaveLength(1);
  });
});

describe('secrets manager list filters', () => {
  it('refuses a filter with no values, or more than ten, instead of ignoring it', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 'filters/kept', SecretString: 'v' }));

    const empty = await failure(h.client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [] }] })));
    const eleven = await failure(
      h
        .client()
        .send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: Array.from({ length: 11 }, () => 'x') }] })),
    );
    const one = await h.client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['filters/'] }] }));

    expect(empty).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect(eleven).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 10'),
    });
    expect(one.SecretList?.map((s) => s.Name)).toEqual(['filters/kept']);
  });
});

describe('sqs query-compatible errors', () => {
  it("names a missing queue AWS.SimpleQueueService.NonExistentQueue in x-amzn-query-error, as the SDK's Code", async () => {
    const raw = await fetch(q.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'missing' }),
    });
    const viaSdk = await failure(q.client.send(new GetQueueUrlCommand({ QueueName: 'missing' })));

    expect(raw.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(viaSdk).toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Error: { Code: 'AWS.SimpleQueueService.NonExistentQueue' },
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('sends the query-era code and the HTTP status of the SQS model for the other errors', async () => {
    const { QueueUrl } = await q.client.send(new CreateQueueCommand({ QueueName: 'codes' }));
    await q.client.send(new PurgeQueueCommand({ QueueUrl }));

    const purgeAgain = await failure(q.client.send(new PurgeQueueCommand({ QueueUrl })));
    const badHandle = await failure(
      q.client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: 'nope', VisibilityTimeout: 1 })),
    );
    const empty = await failure(q.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })));
    const missingParameter = await failure(q.client.send(new GetQueueUrlCommand({} as { QueueName: string })));

    expect(purgeAgain).toMatchObject({
      name: 'PurgeQueueInProgress',
      Code: 'AWS.SimpleQueueService.PurgeQueueInProgress',
      $metadata: { httpStatusCode: 403 },
    });
    expect(badHandle).toMatchObject({
      name: 'ReceiptHandleIsInvalid',
      Code: 'ReceiptHandleIsInvalid',
      $metadata: { httpStatusCode: 404 },
    });
    expect(empty).toMatchObject({ Code: 'AWS.SimpleQueueService.EmptyBatchRequest' });
    expect(missingParameter).toMatchObject({ Code: 'MissingParameter', $metadata: { httpStatusCode: 400 } });
  });
});

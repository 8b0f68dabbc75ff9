// The Lambda handlers with their SDK clients mocked: what each sends to AWS for a given input.
import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const USER = 'arn:aws:iam::000000000000:user/ci-deployer';
const ddb = mockClient(DynamoDBDocumentClient);
const sm = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);
const context = { functionName: 'smcp-test-ingest-reads', awsRequestId: 'req-1' } as Context;

type Handler<I, O> = (event: I, context: Context) => Promise<O>;
let ingest: Handler<SQSEvent, SQSBatchResponse>;
let quarantine: Handler<unknown, { quarantined: string }>;

const readEvent = (eventID: string, secretId: string, accessKeyId = 'AKIA1') => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '000000000000',
  time: '2026-01-07T10:03:12Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    eventID,
    eventTime: '2026-01-07T10:03:12Z',
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.0.1',
    userAgent: 'app/1',
    userIdentity: { type: 'IAMUser', arn: USER, accessKeyId },
    requestParameters: { secretId },
    responseElements: null,
    readOnly: true,
    eventType: 'AwsApiCall',
  },
});

const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;

beforeAll(async () => {
  vi.stubEnv('READ_COUNTERS_TABLE', 'counters');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', 'http://127.0.0.1:1/000000000000/dead-letters');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ingest = (await import('../../functions/reads/handlers/ingest.ts')).handler as never;
  quarantine = (await import('../../functions/reads/handlers/quarantine.ts')).handler as never;
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  ddb.reset();
  sm.reset();
  sqs.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sm.on(DescribeSecretCommand).resolves({ ARN });
  sqs.on(SendMessageCommand).resolves({});
});

describe('ingest-reads handler', () => {
  it('writes one conditional add per bucket, with its principals, and one active-secrets entry', async () => {
    const event = {
      Records: [
        record('m-1', readEvent('11111111-1111-4111-8111-111111111111', 'app/db')),
        record('m-2', readEvent('22222222-2222-4222-8222-222222222222', ARN)),
        record('m-3', readEvent('33333333-3333-4333-8333-333333333333', 'app/db', 'AKIA2')),
      ],
    };

    const response = await ingest(event, context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sm).toHaveReceivedCommandTimes(DescribeSecretCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `S#${ARN}`, sk: 'M#2026-01-07T10:03:00.000Z' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: { '#p0': `p:${USER}|AKIA1`, '#p1': `p:${USER}|AKIA2` },
      ExpressionAttributeValues: expect.objectContaining({
        ':count': 3,
        ':p0': 2,
        ':p1': 1,
        ':ids': new Set(['1111111111114111', '2222222222224222', '3333333333334333']),
      }),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'A#2026-01-07T10:03:00.000Z', sk: 'A' },
      ExpressionAttributeValues: expect.objectContaining({ ':arns': new Set([ARN]) }),
    });
  });

  it('counts nothing again for event ids the bucket has already seen', async () => {
    ddb.on(GetCommand).resolves({ Item: { v: 1, ids: new Set(['1111111111114111']) } });

    await ingest({ Records: [record('m-1', readEvent('11111111-1111-4111-8111-111111111111', ARN))] }, context);

    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  it('retries on a concurrent writer and conditions on the version it read', async () => {
    ddb
      .on(UpdateCommand, { Key: { pk: `S#${ARN}`, sk: 'M#2026-01-07T10:03:00.000Z' } })
      .rejectsOnce(Object.assign(new Error('changed'), { name: 'ConditionalCheckFailedException' }))
      .resolves({});
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({ Item: { v: 4, ids: new Set(['ffffffffffffffff']) } });

    const response = await ingest(
      { Records: [record('m-1', readEvent('11111111-1111-4111-8111-111111111111', ARN))] },
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'v = :version',
      ExpressionAttributeValues: expect.objectContaining({ ':version': 4, ':next': 5 }),
    });
  });

  it('returns the records of a failed write to the queue, and only those', async () => {
    const other = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:other-ZyXwVu';
    ddb
      .on(UpdateCommand, { Key: { pk: `S#${other}`, sk: 'M#2026-01-07T10:03:00.000Z' } })
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

    const response = await ingest(
      {
        Records: [
          record('m-1', readEvent('11111111-1111-4111-8111-111111111111', ARN)),
          record('m-2', readEvent('22222222-2222-4222-8222-222222222222', other)),
        ],
      },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('reports a malformed record to the dead-letter queue and does not retry it', async () => {
    const response = await ingest(
      {
        Records: [
          record('m-1', 'not json'),
          record('m-2', { ...readEvent('x', ARN), detail: { eventName: 'DeleteSecret' } }),
        ],
      },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      MessageBody: expect.stringContaining('"source":"ingest-reads"'),
    });
  });
});

describe('read-anomaly-quarantine handler', () => {
  it('merges a Deny for the principal into the secret’s policy', async () => {
    const existing = { Version: '2012-10-17', Statement: [{ Sid: 'Keep', Effect: 'Allow', Principal: '*' }] };
    sm.on(GetResourcePolicyCommand).resolves({ ResourcePolicy: JSON.stringify(existing) });
    sm.on(PutResourcePolicyCommand).resolves({});

    await quarantine({ secretId: ARN, principal: USER }, context);

    const sent = sm.commandCalls(PutResourcePolicyCommand)[0]?.args[0].input;
    expect(sent?.BlockPublicPolicy).toBe(true);
    expect(JSON.parse(sent?.ResourcePolicy ?? '{}').Statement).toEqual([
      existing.Statement[0],
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: USER } }),
    ]);
  });

  it('rethrows throttling as TransientAwsError, the one name the workflow retries', async () => {
    sm.on(GetResourcePolicyCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
    );

    await expect(quarantine({ secretId: ARN, principal: USER }, context)).rejects.toThrow(
      expect.objectContaining({ name: 'TransientAwsError' }),
    );
    expect(sm).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
  });

  it('refuses to deny the account root', async () => {
    await expect(quarantine({ secretId: ARN, principal: 'arn:aws:iam::000000000000:root' }, context)).rejects.toThrow(
      expect.objectContaining({ name: 'QuarantineRefusedError' }),
    );
    expect(sm).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
  });
});

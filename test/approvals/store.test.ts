import { inspect } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalStore, createApprovalStore } from '../../functions/approvals/adapters/store.ts';
import type { ApprovalRecord } from '../../functions/approvals/domain/record.ts';
import { createDynamoDb, type DynamoDbEmulator } from '../../local/dynamodb/index.ts';
import { type Endpoint, startEndpoint } from '../../local/server.ts';

const TABLE = 'approvals';
const DECIDED_AT = '2026-03-01T12:00:00.000Z';
const TOKEN = 'CANARY-task-token-AAEAAC9f';

let db: DynamoDbEmulator;
let endpoint: Endpoint;
let client: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let store: ApprovalStore;
let sequence = 0;

beforeAll(async () => {
  db = createDynamoDb();
  // The local cloud's endpoint reads each body before its routes, then hands DynamoDB requests to dynalite.
  endpoint = await startEndpoint({
    services: [],
    port: 0,
    routes: async (req, res, body) => {
      if (!db.isDynamoDbRequest(req)) return false;
      db.handle(req, res, body);
      return true;
    },
  });
  await db.createTable({
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'approvalId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'approvalId', KeyType: 'HASH' }],
  });
  client = new DynamoDBClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  ddb = DynamoDBDocumentClient.from(client);
  store = createApprovalStore({ ddb, tableName: TABLE });
});

afterAll(async () => {
  client?.destroy();
  await endpoint?.close();
  await db?.close();
});

let record: ApprovalRecord;
beforeEach(() => {
  sequence += 1;
  record = {
    approvalId: `apr-${sequence}`,
    taskToken: TOKEN,
    secretId: 'prod/db/password',
    action: 'rotate',
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:smcp-local-rotation:e-1',
    requestedBy: 'U999ZZZ',
    reason: 'quarterly rotation',
    expiresAt: '2026-03-01T13:00:00.000Z',
    status: 'pending',
  };
});

describe('approval store', () => {
  it('stores a pending record and reads it back, leaving absent optional fields out', async () => {
    await store.put({ ...record, channel: undefined });
    expect(await store.get(record.approvalId)).toEqual(record);
    expect(await store.get('apr-none')).toBeUndefined();
  });

  it('refuses to overwrite an existing approval', async () => {
    await store.put(record);
    await expect(store.put({ ...record, taskToken: 'other' })).rejects.toMatchObject({
      name: 'ApprovalAlreadyExistsError',
      cause: expect.objectContaining({ name: 'ConditionalCheckFailedException' }),
    });
    expect((await store.get(record.approvalId))?.taskToken).toBe(TOKEN);
  });

  it.each([
    ['a decided record', { status: 'approved' }],
    ['a record carrying a decision', { decidedBy: 'U1', decidedAt: DECIDED_AT }],
    ['a non-canonical expiry', { expiresAt: '2026-03-01T13:00:00Z' }],
    ['no task token', { taskToken: '' }],
  ] as const)('refuses to put %s', async (_, change) => {
    await expect(store.put({ ...record, ...change })).rejects.toMatchObject({ name: 'InvalidApprovalError' });
    expect(await store.get(record.approvalId)).toBeUndefined();
  });

  it('decides once and hands the winner the record as written, task token included', async () => {
    await store.put(record);
    const decided = await store.markDecided(record.approvalId, {
      status: 'approved',
      decidedBy: 'U012ABCDEF',
      decidedAt: DECIDED_AT,
    });
    expect(decided).toEqual({ ...record, status: 'approved', decidedBy: 'U012ABCDEF', decidedAt: DECIDED_AT });
    expect(await store.get(record.approvalId)).toEqual(decided);
  });

  it('refuses a second decision with ApprovalAlreadyDecidedError, keeping the first', async () => {
    await store.put(record);
    await store.markDecided(record.approvalId, { status: 'approved', decidedBy: 'U012ABCDEF', decidedAt: DECIDED_AT });
    const second = store.markDecided(record.approvalId, {
      status: 'rejected',
      decidedBy: 'U0OTHER',
      decidedAt: DECIDED_AT,
    });
    await expect(second).rejects.toMatchObject({
      name: 'ApprovalAlreadyDecidedError',
      approvalId: record.approvalId,
      cause: expect.objectContaining({ name: 'ConditionalCheckFailedException' }),
    });
    expect(await store.get(record.approvalId)).toMatchObject({ status: 'approved', decidedBy: 'U012ABCDEF' });
  });

  it('lets exactly one of two concurrent decisions win', async () => {
    await store.put(record);
    const results = await Promise.allSettled([
      store.markDecided(record.approvalId, { status: 'approved', decidedBy: 'U012ABCDEF', decidedAt: DECIDED_AT }),
      store.markDecided(record.approvalId, { status: 'rejected', decidedBy: 'U0OTHER', decidedAt: DECIDED_AT }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ name: 'ApprovalAlreadyDecidedError' });
    const stored = await store.get(record.approvalId);
    expect(stored).toEqual(won[0]?.value);
  });

  it('lets exactly one of many concurrent decisions win', async () => {
    await store.put(record);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        store.markDecided(record.approvalId, {
          status: i % 2 ? 'rejected' : 'approved',
          decidedBy: `U0APPROVER${i}`,
          decidedAt: DECIDED_AT,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ name: 'ApprovalAlreadyDecidedError' });
    }
  });

  it('refuses a decision at or after the expiry, leaving the record pending', async () => {
    await store.put(record);
    const late = store.markDecided(record.approvalId, {
      status: 'approved',
      decidedBy: 'U012ABCDEF',
      decidedAt: record.expiresAt,
    });
    await expect(late).rejects.toMatchObject({ name: 'ApprovalExpiredError' });
    expect((await store.get(record.approvalId))?.status).toBe('pending');
  });

  it('reports an unknown approval as not found', async () => {
    const missing = store.markDecided('apr-none', {
      status: 'approved',
      decidedBy: 'U012ABCDEF',
      decidedAt: DECIDED_AT,
    });
    await expect(missing).rejects.toMatchObject({ name: 'ApprovalNotFoundError' });
  });

  it('validates a decision before writing it', async () => {
    await store.put(record);
    const bad = [
      store.markDecided(record.approvalId, { status: 'pending' as 'approved', decidedBy: 'U1', decidedAt: DECIDED_AT }),
      store.markDecided(record.approvalId, { status: 'approved', decidedBy: '', decidedAt: DECIDED_AT }),
      store.markDecided(record.approvalId, { status: 'approved', decidedBy: 'U1', decidedAt: '2026-03-01' }),
    ];
    for (const attempt of bad) await expect(attempt).rejects.toMatchObject({ name: 'InvalidApprovalError' });
    expect((await store.get(record.approvalId))?.status).toBe('pending');
  });

  it('passes other SDK errors through untranslated', async () => {
    const elsewhere = createApprovalStore({ ddb, tableName: 'no-such-table' });
    await expect(elsewhere.get('apr-1')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('never puts the task token in an error, its message or its cause', async () => {
    await store.put(record);
    await store.markDecided(record.approvalId, { status: 'approved', decidedBy: 'U012ABCDEF', decidedAt: DECIDED_AT });
    const errors = await Promise.all([
      store.put(record).catch((e: unknown) => e),
      store.put({ ...record, approvalId: 'apr-bad', status: 'approved' }).catch((e: unknown) => e),
      store
        .markDecided(record.approvalId, { status: 'rejected', decidedBy: 'U0OTHER', decidedAt: DECIDED_AT })
        .catch((e: unknown) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    }
  });
});

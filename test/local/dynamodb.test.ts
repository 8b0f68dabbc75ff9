import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDb, type DynamoDbEmulator } from '../../local/dynamodb/index.ts';
import { startEndpoint } from '../../local/server.ts';

let dataDir: string;
let opened: { db: DynamoDbEmulator; server: Server; client: DynamoDBClient }[];

const readBody = async (req: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A tiny endpoint that forwards DynamoDB requests to the emulator: raw and unread by default, or after reading the
 * body first, as local/server.ts's `routes` hook receives requests.
 */
const open = async (path?: string, { readFirst = false } = {}) => {
  const db = createDynamoDb(path ? { path } : {});
  const server = createServer(async (req, res) => {
    if (!db.isDynamoDbRequest(req)) {
      res.writeHead(404);
      res.end();
    } else if (readFirst) {
      db.handle(req, res, await readBody(req));
    } else {
      db.handle(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  opened.push({ db, server, client });
  return { db, client, doc: DynamoDBDocumentClient.from(client) };
};

const shut = async (entry: { db: DynamoDbEmulator; server: Server; client: DynamoDBClient }) => {
  entry.client.destroy();
  entry.server.closeAllConnections();
  await new Promise((resolve) => entry.server.close(resolve));
  await entry.db.close();
};

const createCounters = (client: DynamoDBClient) =>
  client.send(
    new CreateTableCommand({
      TableName: 'read-counters',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-dynamodb-'));
  opened = [];
});
afterEach(async () => {
  for (const entry of opened) await shut(entry);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dynamodb through dynalite', () => {
  it('creates a table that is ACTIVE at once', async () => {
    const { client } = await open();

    await createCounters(client);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'read-counters' }));

    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('rejects a conditional put on an existing key with ConditionalCheckFailedException', async () => {
    const { client, doc } = await open();
    await createCounters(client);
    const approval = { pk: 'approval#1', sk: 'record', status: 'pending' };
    await doc.send(
      new PutCommand({ TableName: 'read-counters', Item: approval, ConditionExpression: 'attribute_not_exists(pk)' }),
    );

    const second = doc.send(
      new PutCommand({
        TableName: 'read-counters',
        Item: { ...approval, status: 'approved' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await doc.send(
      new GetCommand({ TableName: 'read-counters', Key: { pk: 'approval#1', sk: 'record' } }),
    );
    expect(Item?.status).toBe('pending');
  });

  it('adds to counters atomically with UpdateItem ADD and queries them by partition', async () => {
    const { client, doc } = await open();
    await createCounters(client);
    const add = (sk: string, n: number) =>
      doc.send(
        new UpdateCommand({
          TableName: 'read-counters',
          Key: { pk: 'secret#prod/db', sk },
          // READS is a reserved word in DynamoDB (and dynalite checks it), hence the name placeholder.
          UpdateExpression: 'ADD #reads :n',
          ExpressionAttributeNames: { '#reads': 'reads' },
          ExpressionAttributeValues: { ':n': n },
        }),
      );

    await Promise.all([add('minute#10:00', 3), add('minute#10:00', 4), add('minute#10:01', 1)]);
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: 'read-counters',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :minute)',
        ExpressionAttributeValues: { ':pk': 'secret#prod/db', ':minute': 'minute#' },
      }),
    );

    expect(Items).toEqual([
      { pk: 'secret#prod/db', sk: 'minute#10:00', reads: 7 },
      { pk: 'secret#prod/db', sk: 'minute#10:01', reads: 1 },
    ]);
  });

  it('keeps tables and items across close and reopen with a path', async () => {
    const path = join(dataDir, 'dynamodb');
    const first = await open(path);
    await createCounters(first.client);
    await first.doc.send(new PutCommand({ TableName: 'read-counters', Item: { pk: 'a', sk: 'b', reads: 5 } }));
    const entry = opened.pop();
    if (entry) await shut(entry);

    const second = await open(path);
    const { Item } = await second.doc.send(new GetCommand({ TableName: 'read-counters', Key: { pk: 'a', sk: 'b' } }));

    expect(Item).toEqual({ pk: 'a', sk: 'b', reads: 5 });
  });

  it('serves a request whose body the endpoint already read', async () => {
    const { client, doc } = await open(undefined, { readFirst: true });

    await createCounters(client);
    await doc.send(new PutCommand({ TableName: 'read-counters', Item: { pk: 'a', sk: 'b' } }));

    const { Item } = await doc.send(new GetCommand({ TableName: 'read-counters', Key: { pk: 'a', sk: 'b' } }));
    expect(Item).toEqual({ pk: 'a', sk: 'b' });
  });

  it("plugs into local/server.ts's routes hook", async () => {
    const db = createDynamoDb();
    const endpoint = await startEndpoint({
      services: [],
      port: 0,
      routes: (req, res, body) => {
        if (!db.isDynamoDbRequest(req)) return false;
        db.handle(req, res, body);
        return true;
      },
    });
    const client = new DynamoDBClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await createCounters(client);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'read-counters' }));
      expect(Table?.TableName).toBe('read-counters');
    } finally {
      client.destroy();
      await endpoint.close();
      await db.close();
    }
  });

  it('creates tables through its own createTable helper, leaving an existing one alone', async () => {
    const { db, doc } = await open();
    const input = {
      TableName: 'locks',
      BillingMode: 'PAY_PER_REQUEST' as const,
      AttributeDefinitions: [{ AttributeName: 'secretId', AttributeType: 'S' as const }],
      KeySchema: [{ AttributeName: 'secretId', KeyType: 'HASH' as const }],
    };

    await db.createTable(input);
    await doc.send(new PutCommand({ TableName: 'locks', Item: { secretId: 's', owner: 'x' } }));
    await db.createTable(input);

    const { Item } = await doc.send(new GetCommand({ TableName: 'locks', Key: { secretId: 's' } }));
    expect(Item).toEqual({ secretId: 's', owner: 'x' });
  });
});

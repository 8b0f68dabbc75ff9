// DynamoDB for the local cloud: dynalite on a thread of its own (worker.ts), listening on an ephemeral loopback port;
// the endpoint forwards DynamoDB requests to it untouched. Its own thread because dynalite's work is heavy and
// synchronous at times (an ADD of thousands of ids to a string set compares every pair, which the read pipeline's
// dedup sets do every batch): on the endpoint's thread it held up every other request for hundreds of milliseconds.
// Known limits (dynalite 4): no transactions, no TTL, no streams — design without them or expire in code.
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

const TARGET_PREFIX = 'DynamoDB_20120810';

interface DynamoDbOptions {
  /** A LevelDB directory: tables and items survive close() and a new createDynamoDb with the same path. */
  readonly path?: string;
}

// Request headers that describe the client's connection, not the request: the forwarded request has its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

/** True for requests this emulator serves: the JSON protocol target of DynamoDB's API version. */
const isDynamoDbRequest = (req: IncomingMessage) => {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(`${TARGET_PREFIX}.`);
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** How many times CreateTable looks for its table to turn ACTIVE before answering anyway. */
const ACTIVE_CHECKS = 1_000;

const createDynamoDb = (options: DynamoDbOptions = {}) => {
  // Tables are ACTIVE at once: waiting out CREATING buys tests nothing.
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    workerData: {
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.path ? { path: options.path } : {}),
    },
  });
  worker.unref();
  const listening = new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  listening.catch(() => {});
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let closed = false;
  let client: DynamoDBClient | undefined;
  /** Requests forwarded and not answered yet: close() lets them finish before the database closes. */
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const url = async () => `http://127.0.0.1:${await listening}`;

  const internalClient = async () => {
    client ??= new DynamoDBClient({
      endpoint: await url(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return client;
  };

  const untilActive = async (tableName: string) => {
    const dynamo = await internalClient();
    for (let check = 0; check < ACTIVE_CHECKS; check += 1) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus !== 'CREATING') return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  /** Forwards one request to dynalite and its answer back, as they are. */
  const forward = async (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    inFlight++;
    try {
      const raw = body ?? (await readBody(req));
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      const port = await listening;
      await new Promise<void>((resolve) => {
        const upstream = request(
          {
            host: '127.0.0.1',
            port,
            method: req.method,
            path: req.url,
            agent,
            headers: { ...headers, 'content-length': raw.length },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
            answer.once('end', resolve);
            answer.once('error', () => resolve());
          },
        );
        upstream.once('error', (error) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalFailure', message: error.message }),
          );
          resolve();
        });
        upstream.end(raw);
      });
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };

  // Forwards CreateTable to dynalite's own listener and holds the answer until the new table is ACTIVE.
  const createThenWait = async (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const raw = body ?? (await readBody(req));
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-amz-target', 'x-amz-date', 'authorization']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(await url(), { method: 'POST', headers, body: new Uint8Array(raw) });
    const answer = await upstream.text();
    if (upstream.ok) {
      const { TableDescription } = JSON.parse(answer) as { TableDescription?: { TableName?: string } };
      if (TableDescription?.TableName) await untilActive(TableDescription.TableName);
    }
    const passed: Record<string, string> = {};
    for (const name of ['content-type', 'x-amz-crc32', 'x-amzn-requestid']) {
      const value = upstream.headers.get(name);
      if (value !== null) passed[name] = value;
    }
    res.writeHead(upstream.status, passed);
    res.end(answer);
  };

  return {
    targetPrefix: TARGET_PREFIX,
    isDynamoDbRequest,
    /**
     * Serves one request: pass `body` when it was already read from `req`, otherwise dynalite reads it. CreateTable
     * answers only once the table is ACTIVE: dynalite flips CREATING to ACTIVE on a timer after it has answered, so a
     * PutItem sent right after CreateTable would otherwise race it and get ResourceNotFoundException on a busy machine.
     */
    handle: (req: IncomingMessage, res: ServerResponse, body?: Buffer): void => {
      if (closed) {
        res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'closed' }));
        return;
      }
      if (req.headers['x-amz-target'] === `${TARGET_PREFIX}.CreateTable`) {
        void createThenWait(req, res, body).catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalFailure', message: String(error) }),
          );
        });
        return;
      }
      void forward(req, res, body);
    },
    /** For the local cloud's setup (tables from serverless.yml); an existing table is left as it is. */
    createTable: async (input: CreateTableCommandInput): Promise<void> => {
      try {
        await (await internalClient()).send(new CreateTableCommand(input));
        if (input.TableName) await untilActive(input.TableName);
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    },
    /** Closes the database (flushing LevelDB when `path` is set), once the requests under way are answered. */
    close: async (): Promise<void> => {
      if (closed) return;
      closed = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      client?.destroy();
      agent.destroy();
      if (!(await listening.then(() => true).catch(() => false))) return;
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (message: { closed?: boolean; error?: string }) =>
          message.error ? reject(new Error(message.error)) : resolve(),
        );
        worker.postMessage({ close: true });
      });
    },
  };
};

type DynamoDbEmulator = ReturnType<typeof createDynamoDb>;

export type { DynamoDbEmulator, DynamoDbOptions };
export { createDynamoDb, isDynamoDbRequest };

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
import { nestsDeeperThan } from '../json-protocol/body.ts';

const TARGET_PREFIX = 'DynamoDB_20120810';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';
// DynamoDB's front end names its validation errors in Coral's namespace, as dynalite does.
const VALIDATION = 'com.amazon.coral.validate#ValidationException';

// DynamoDB stores documents up to 32 levels deep, which its JSON wire format writes in about 70 levels of brackets
// (each map or list is `{"M":{…}}`); 100 leaves every valid request through and keeps dynalite's recursive validation
// far from the stack's end (a few thousand levels kill the process).
const MAX_BODY_DEPTH = 100;
// "An attribute value can nest up to 32 levels deep": 31 maps or lists around a scalar pass, 32 do not.
const MAX_DOCUMENT_WRAPS = 31;
// "The maximum length of any expression string is 4 KB" (DynamoDB quotas).
const MAX_EXPRESSION_CHARS = 4096;
// A local limit, not DynamoDB's: dynalite's expression parsers backtrack exponentially in nested parentheses (five
// levels of `(x AND (…))` take half a second, seven take five), so the local cloud refuses more than four.
const MAX_EXPRESSION_PARENS = 4;
const EXPRESSIONS = [
  'ConditionExpression',
  'FilterExpression',
  'KeyConditionExpression',
  'ProjectionExpression',
  'UpdateExpression',
];

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

const answer = (res: ServerResponse, status: number, type: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(
    JSON.stringify({ __type: type === 'ValidationException' ? VALIDATION : `${ERROR_NAMESPACE}${type}`, message }),
  );
};

const NESTING_MESSAGE =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The items a write stores: PutItem's Item, BatchWriteItem's PutRequests, TransactWriteItems' Puts. */
const itemsOf = (request: unknown): Json[] => {
  if (!isJson(request)) return [];
  const items: unknown[] = [request.Item];
  if (isJson(request.RequestItems)) {
    for (const writes of Object.values(request.RequestItems)) {
      if (Array.isArray(writes))
        for (const w of writes) items.push(isJson(w) && isJson(w.PutRequest) && w.PutRequest.Item);
    }
  }
  if (Array.isArray(request.TransactItems)) {
    for (const t of request.TransactItems) items.push(isJson(t) && isJson(t.Put) && t.Put.Item);
  }
  return items.filter(isJson);
};

/** How many maps and lists wrap an attribute value's innermost scalar (the body's depth limit bounds the recursion). */
const wrapsOf = (value: unknown): number => {
  if (!isJson(value)) return 0;
  const children = isJson(value.M) ? Object.values(value.M) : Array.isArray(value.L) ? value.L : undefined;
  if (children === undefined) return 0;
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, wrapsOf(child)), 0);
};

/** What DynamoDB's front end refuses before any table is looked at; undefined when the request may go on. */
const refusal = (body: Buffer): { type: string; message: string } | undefined => {
  const text = body.toString('utf8');
  if (nestsDeeperThan(text, MAX_BODY_DEPTH)) {
    return { type: 'ValidationException', message: NESTING_MESSAGE };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // dynalite answers SerializationException itself.
  }
  if (itemsOf(parsed).some((item) => Object.values(item).some((value) => wrapsOf(value) > MAX_DOCUMENT_WRAPS))) {
    return { type: 'ValidationException', message: NESTING_MESSAGE };
  }
  // Expressions sit at the top of a request, or a few levels down in batch and transaction entries.
  const expressions: string[] = [];
  const collect = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 4) return;
    for (const [key, v] of Object.entries(value)) {
      if (EXPRESSIONS.includes(key) && typeof v === 'string') expressions.push(v);
      else collect(v, depth + 1);
    }
  };
  collect(parsed, 0);
  if (expressions.some((e) => e.length > MAX_EXPRESSION_CHARS)) {
    return {
      type: 'ValidationException',
      message: 'Invalid expression: Expression size has exceeded the maximum allowed size',
    };
  }
  if (expressions.some((e) => parenDepth(e) > MAX_EXPRESSION_PARENS)) {
    return {
      type: 'ValidationException',
      message: `Invalid expression: the local cloud's DynamoDB parses at most ${MAX_EXPRESSION_PARENS} nested parentheses`,
    };
  }
  return undefined;
};

const parenDepth = (expression: string): number => {
  let depth = 0;
  let deepest = 0;
  for (const c of expression) {
    if (c === '(') deepest = Math.max(deepest, ++depth);
    else if (c === ')') depth--;
  }
  return deepest;
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
        answer(res, 503, 'ServiceUnavailable', 'closed');
        return;
      }
      const refused = body === undefined ? undefined : refusal(body);
      if (refused) {
        answer(res, 400, refused.type, refused.message);
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

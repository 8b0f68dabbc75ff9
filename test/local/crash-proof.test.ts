// No request can stop the local cloud: every parser behind the endpoint has depth and size limits and answers with the
// service's own error, and work that runs in the background (deliveries, schedules) reports its failures instead of
// leaving a rejection nobody handles. Each path here once answered 500, hung or killed the process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { describeRejection } from '../../local/crash-guard.ts';
import { type BusEvent, createEventBus } from '../../local/eventbridge/bus.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const run = promisify(execFile);
const CANARY = 'CANARY-crash-proof-4e1b';

const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const busEvent = (detail: unknown): BusEvent => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'Thing Happened',
  source: 'app',
  account: '000000000000',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(async () => {
  await t.cloud.stop();
});

const stillServing = async () => {
  const { SecretList } = await t.clients.sm.send(new ListSecretsCommand({}));
  return Array.isArray(SecretList);
};

describe('crash-proof endpoint: events', () => {
  it('refuses a 20 KB deeply nested PutEvents detail as MalformedDetail, routes nothing and keeps serving', async () => {
    const seen: BusEvent[] = [];
    const untap = t.cloud.bus.tap((event) => seen.push(event));
    const detail = deepObject(3_500);

    const out = await t.clients.events.send(
      new PutEventsCommand({ Entries: [{ Source: 'smcp', DetailType: 'Rotation Requested', Detail: detail }] }),
    );
    await t.cloud.whenIdle();
    untap();

    expect(detail.length).toBeGreaterThan(20_000);
    expect(out).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail' }] });
    expect(seen).toEqual([]);
    expect(await stillServing()).toBe(true);
  });

  it('reads an entry Time as the epoch seconds the SDK sends, and refuses what is no timestamp', async () => {
    const seen: BusEvent[] = [];
    const untap = t.cloud.bus.tap((event) => seen.push(event));
    const post = (entry: object) =>
      fetch(t.cloud.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body: JSON.stringify({ Entries: [{ Source: 'app', DetailType: 'Tick', Detail: '{}', ...entry }] }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));

    await t.clients.events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'app', DetailType: 'Tick', Detail: '{}', Time: new Date('2025-12-31T23:59:58Z') }],
      }),
    );
    const garbage = await post({ Time: 'yesterday-ish' });
    const huge = await post({ Time: 1e20 });
    const resources = await post({ Resources: [{ toString: 1 }] });
    untap();

    expect(seen.map((e) => e.time)).toEqual(['2025-12-31T23:59:58Z']);
    for (const answer of [garbage, huge, resources]) {
      expect(answer).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    }
  });

  it('counts a target input the transformer cannot build as a failed delivery, and keeps routing', async () => {
    const failures: string[] = [];
    const delivered: string[] = [];
    const bus = createEventBus({
      clock: createManualClock('2026-01-05T09:00:00Z'),
      region: 'us-east-1',
      account: '000000000000',
      rules: [
        {
          name: 'things',
          state: 'ENABLED',
          eventPattern: { source: ['app'] },
          targets: [
            {
              id: 't',
              arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
              inputTransformer: { InputPathsMap: { n: '$.detail.n' }, InputTemplate: '{"n":<n>}' },
            },
          ],
        },
      ],
      deliver: async (_arn, input) => {
        delivered.push(input);
      },
      onDelivery: (record) => {
        if (!record.ok) failures.push(record.error ?? '');
      },
    });

    // A value JSON cannot hold: only an in-process caller can put one on the bus.
    bus.publish(busEvent({ n: 10n, secret: CANARY }));
    bus.publish(busEvent({ n: 7 }));
    await bus.whenIdle();

    expect(failures).toEqual(['InputTransformationFailed: TypeError']);
    expect(delivered).toEqual(['{"n":7}']);
  });

  it('refuses, in process, events nested deeper than a request body may be, and cycles', () => {
    const bus = createEventBus({
      clock: createManualClock('2026-01-05T09:00:00Z'),
      region: 'us-east-1',
      account: '000000000000',
      rules: [],
      deliver: async () => {},
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(() => bus.publish(busEvent(JSON.parse(deepObject(100))))).not.toThrow();
    expect(() => bus.publish(busEvent(JSON.parse(deepObject(101))))).toThrow(
      "An event's detail may nest at most 100 levels",
    );
    expect(() => bus.publish(busEvent(cyclic))).toThrow("An event's detail may nest at most 100 levels");
    expect(() => bus.publish(null as unknown as BusEvent)).toThrow('An event must be a JSON object');
  });

  it('publishes none of a /_smcp/events list that holds a bad event, and names it', async () => {
    const before = t.cloud.bus.stats().events;
    const good = { ...busEvent({}), id: 'good-1' };

    const response = await fetch(`${t.cloud.url}/_smcp/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [good, null] }),
    });

    expect([response.status, await response.json()]).toEqual([
      400,
      { error: 'events[1]: An event must be a JSON object' },
    ]);
    expect(t.cloud.bus.stats().events).toBe(before);
  });

  it('runs an execution to its end when the bus refuses its status changes, and says so in the log', async () => {
    const untap = t.cloud.bus.tap((event) => {
      if (event['detail-type'] === 'Step Functions Execution Status Change') throw new Error('the bus is refusing');
    });
    const { stateMachineArn } = await t.clients.sfn.send(
      new CreateStateMachineCommand({
        name: 'refused-status',
        roleArn: 'arn:aws:iam::000000000000:role/local',
        definition: JSON.stringify({
          StartAt: 'Done',
          States: { Done: { Type: 'Pass', Result: { ok: 1 }, End: true } },
        }),
      }),
    );
    const logged = t.logs.length;

    const { executionArn } = await t.clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ canary: CANARY }) }),
    );
    await t.cloud.whenIdle();
    untap();

    const described = await t.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect([described.status, described.output]).toEqual(['SUCCEEDED', '{"ok":1}']);
    const refused = t.logs.slice(logged).filter((line) => line.includes('was not published'));
    expect(refused).toHaveLength(2);
    for (const line of refused) {
      expect(line).toMatch(
        /^\[states\] Step Functions Execution Status Change [0-9a-f-]{36} was not published: the bus is refusing$/,
      );
    }
    expect(t.logs.join('\n')).not.toContain(CANARY);
  });
});

describe('crash-proof endpoint: DynamoDB', () => {
  const NESTING =
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
  const table = () =>
    String(t.cloud.stack.tables.find((x) => x.logicalId === 'RotationLocksTable')?.properties.TableName);
  const nestedMap = (depth: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { S: 'x' };
    for (let i = 0; i < depth; i++) value = { M: { a: value } };
    return value;
  };

  it('stores a document 32 levels deep, refuses 33 and a body thousands of levels deep, as DynamoDB words it', async () => {
    const put = (depth: number) =>
      t.clients.ddb.send(
        new PutItemCommand({ TableName: table(), Item: { lockKey: { S: 'deep' }, doc: nestedMap(depth) as never } }),
      );
    const raw = await fetch(t.cloud.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260105/us-east-1/dynamodb/aws4_request, Signature=x',
      },
      body: JSON.stringify({ TableName: table(), Item: { lockKey: { S: 'raw' } } }).replace(
        '{"S":"raw"}',
        `{"S":"raw"},"doc":${'{"M":{"a":'.repeat(5_000)}{"S":"x"}${'}}'.repeat(5_000)}`,
      ),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

    await expect(put(31)).resolves.toBeDefined();
    await expect(put(32)).rejects.toMatchObject({ name: 'ValidationException', message: NESTING });
    expect(raw).toEqual({
      status: 400,
      body: { __type: 'com.amazon.coral.validate#ValidationException', message: NESTING },
    });
    expect(await stillServing()).toBe(true);
  });

  it('refuses expressions over 4 KB and, locally, more than four nested parentheses instead of hanging', async () => {
    const scan = (expression: string) =>
      t.clients.ddb.send(
        new ScanCommand({
          TableName: table(),
          FilterExpression: expression,
          ExpressionAttributeValues: { ':v': { S: 'x' } },
        }),
      );
    const nested = (depth: number) =>
      `${'(attribute_exists(lockKey) AND '.repeat(depth)}lockKey = :v${')'.repeat(depth)}`;

    await expect(scan(nested(3))).resolves.toBeDefined();
    await expect(scan(nested(20))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Invalid expression: the local cloud's DynamoDB parses at most 4 nested parentheses",
    });
    await expect(scan(Array.from({ length: 400 }, () => 'lockKey = :v').join(' OR '))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Invalid expression: Expression size has exceeded the maximum allowed size',
    });
  });
});

describe('crash-proof endpoint: Lambda Invoke and raw requests', () => {
  const invoke = (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    fetch(`${t.cloud.url}${path}`, { method: 'POST', body, headers }).then(async (r) => ({
      status: r.status,
      type: r.headers.get('x-amzn-errortype'),
      body: await r.text(),
    }));

  it('answers a broken function name, a deep payload and a payload over 6 MB with Lambda’s errors', async () => {
    const badName = await invoke('/2015-03-31/functions/%E0%A4%A/invocations', '{}');
    const deep = await invoke('/2015-03-31/functions/smcp-local-dispatch/invocations', deepObject(100_000));
    const large = await invoke(
      '/2015-03-31/functions/smcp-local-dispatch/invocations',
      new Uint8Array(6_291_457).fill(0x20),
    );
    const badType = await invoke('/2015-03-31/functions/smcp-local-dispatch/invocations', '{}', {
      'x-amz-invocation-type': 'Sometimes',
    });

    expect(badName).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(deep).toMatchObject({ status: 400, type: 'InvalidRequestContentException' });
    expect(large).toMatchObject({ status: 413, type: 'RequestEntityTooLargeException' });
    expect(badType).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(await stillServing()).toBe(true);
  });
});

describe('crash-proof endpoint: S3', () => {
  const s3 = (path: string, init: RequestInit = {}) =>
    fetch(`${t.cloud.url}${path}`, {
      ...init,
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=test/20260105/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
        ...(init.headers as Record<string, string> | undefined),
      },
    }).then(async (r) => ({ status: r.status, code: /<Code>([^<]*)<\/Code>/.exec(await r.text())?.[1] }));

  it('answers deep, entity-laden and broken XML, bad key encodings and broken chunked bodies in S3’s words', async () => {
    await s3('/crash-bucket', { method: 'PUT' });

    const deep = await s3('/crash-bucket?notification', {
      method: 'PUT',
      body: `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`,
    });
    const entities = await s3('/crash-bucket?delete', {
      method: 'POST',
      body: `<!DOCTYPE d [<!ENTITY a "${'a'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>`,
    });
    const badKey = await s3('/crash-bucket/%E0%A4%A');
    const chunked = await s3('/crash-bucket/chunked', {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked' },
      body: `ffffffff\r\n${CANARY}\r\n0\r\n\r\n`,
    });

    expect(deep).toEqual({ status: 400, code: 'MalformedXML' });
    expect(entities).toEqual({ status: 400, code: 'MalformedXML' });
    expect(badKey).toEqual({ status: 400, code: 'InvalidURI' });
    expect(chunked).toEqual({ status: 400, code: 'IncompleteBody' });
    expect(await stillServing()).toBe(true);
  });
});

describe('crash guard of smcp local', () => {
  it('logs an unhandled rejection by name and frames, never its message', () => {
    const line = describeRejection(new TypeError(`bad value ${CANARY}`));

    expect(line).toMatch(/^\[local\] unexpected rejection, still serving: TypeError\n\s+at /);
    expect(line).not.toContain(CANARY);
  });

  it('keeps a process with the guard alive through an unhandled rejection', async () => {
    const script = [
      "import { installCrashGuard } from './local/crash-guard.ts';",
      'installCrashGuard((line) => console.log(line.split("\\n")[0]));',
      `Promise.reject(new Error('${CANARY}'));`,
      "setTimeout(() => console.log('still alive'), 20);",
    ].join('\n');

    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });

    expect(stdout.trim().split('\n')).toEqual(['[local] unexpected rejection, still serving: Error', 'still alive']);
  });
});

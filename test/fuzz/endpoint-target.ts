// The local cloud's endpoint under fuzzing: arbitrary bodies, headers and targets for each protocol it speaks (the AWS
// JSON services, DynamoDB through dynalite, SNS's query protocol, Lambda's Invoke API, the HTTP API routes, S3's REST
// API, the local /_smcp/ routes and anything else). Whatever the request: an answer comes, it is not a 5xx, an error is well formed
// in its protocol's way, an error changed no state, and the endpoint still answers its health route afterwards.
import fc from 'fast-check';
import { createManualClock } from '../../local/clock.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array<ArrayBuffer> | undefined;
  /** Which protocol the answer must be well formed in. */
  readonly protocol: 'json' | 'dynamodb' | 'sns' | 'lambda' | 'http-api' | 'local' | 's3' | 'any';
}

// The JSON operations each service serves, and DynamoDB's (dynalite's) main ones; arbitraries also make up others.
const DYNAMODB_OPERATIONS = [
  'PutItem',
  'GetItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'BatchGetItem',
  'DescribeTable',
  'ListTables',
];
const SNS_ACTIONS = [
  'CreateTopic',
  'GetTopicAttributes',
  'ListSubscriptionsByTopic',
  'ListTopics',
  'Publish',
  'Subscribe',
];
// Members the operations read, so arbitrary bodies reach past "unknown member" into the readers' checks.
const MEMBERS = [
  'SecretId',
  'Name',
  'SecretString',
  'SecretBinary',
  'Tags',
  'Filters',
  'MaxResults',
  'NextToken',
  'ClientRequestToken',
  'VersionStage',
  'QueueUrl',
  'QueueName',
  'MessageBody',
  'Attributes',
  'Entries',
  'stateMachineArn',
  'executionArn',
  'input',
  'name',
  'taskToken',
  'output',
  'EventPattern',
  'Event',
  'TableName',
  'Item',
  'Key',
  'FilterExpression',
  'ExpressionAttributeValues',
  'RequestItems',
];
const SNS_PARAMS = ['TopicArn', 'Name', 'Message', 'Subject', 'Protocol', 'Endpoint', 'MessageStructure'];

const printable = (max: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${max}}$`));

const deepText = fc
  .tuple(fc.integer({ min: 50, max: 50_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}${open === '[' ? ']'.repeat(depth) : `1${'}'.repeat(depth)}`}`);

const memberValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 1, max: 400_000 }).map((n) => 'x'.repeat(n)),
  // Nesting at the body's limit of 100 levels (the object holds the member: 99 is the deepest a body takes), where the
  // call's CloudTrail record nests one level deeper than the body.
  fc
    .oneof(fc.constantFrom(98, 99, 100), fc.integer({ min: 50, max: 2_000 }))
    .map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown),
);

/** A JSON body: arbitrary JSON text, an object of known members with arbitrary values, junk, or deep nesting. */
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom(...MEMBERS), memberValue, { maxKeys: 5 }).map((o) => {
    try {
      return JSON.stringify(o);
    } catch {
      return '{}';
    }
  }),
  fc.string({ maxLength: 200 }),
  deepText,
  fc.constant(''),
);

const authorization = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(printable(8), fc.constantFrom('us-east-1', 'eu-west-1', 'xx-nowhere-9'), printable(12))
    .map(
      ([key, region, service]) =>
        `AWS4-HMAC-SHA256 Credential=${key}/20260105/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    ),
  printable(60),
);

const withHeaders = (headers: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));

const jsonRequests = (targets: readonly string[]): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      target: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...targets) },
        { weight: 1, arbitrary: printable(40) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentType: fc.constantFrom('application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'text/plain', undefined),
      authorization,
      body: jsonBody,
    })
    .map(({ target, contentType, authorization: auth, body }) => ({
      method: 'POST',
      path: '/',
      headers: withHeaders({ 'x-amz-target': target, 'content-type': contentType, authorization: auth }),
      body,
      protocol: target?.startsWith('DynamoDB_20120810.') ? 'dynamodb' : 'json',
    }));

const snsRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    action: fc.oneof(fc.constantFrom(...SNS_ACTIONS), printable(20)),
    params: fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(...SNS_PARAMS),
          fc.integer({ min: 1, max: 12 }).map((i) => `MessageAttributes.entry.${i}.Name`),
          fc.integer({ min: 1, max: 12 }).map((i) => `MessageAttributes.entry.${i}.Value.DataType`),
          printable(20),
        ),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.integer({ min: 1, max: 300_000 }).map((n) => 'y'.repeat(n)),
        ),
      ),
      { maxLength: 8 },
    ),
  })
  .map(({ action, params }) => ({
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['Action', action], ...params]).toString(),
    protocol: 'sns',
  }));

const lambdaRequests = (functions: readonly string[]): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      name: fc.oneof(fc.constantFrom(...functions), printable(30).map(encodeURIComponent), fc.constant('%E0%A4%A')),
      type: fc.constantFrom('RequestResponse', 'Event', 'DryRun', 'Sometimes', undefined),
      body: fc.oneof(
        jsonBody,
        fc.uint8Array({ maxLength: 64 }).map((b) => new Uint8Array(b)),
      ),
    })
    .map(({ name, type, body }) => ({
      method: 'POST',
      path: `/2015-03-31/functions/${name}/invocations`,
      headers: withHeaders({ 'x-amz-invocation-type': type }),
      body,
      protocol: 'lambda',
    }));

const httpApiRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route: fc.constantFrom('POST /approvals/slack', 'GET /approvals/link', 'POST /approvals/link'),
    query: printable(60),
    headers: fc.dictionary(
      fc.constantFrom('content-type', 'x-slack-signature', 'x-slack-request-timestamp', 'cookie'),
      printable(60),
      { maxKeys: 4 },
    ),
    body: fc.oneof(jsonBody, printable(200)),
  })
  .map(({ route, query, headers, body }) => {
    const [method = 'GET', path = '/'] = route.split(' ');
    return {
      method,
      path: `${path}?${encodeURI(query)}`,
      headers,
      body: method === 'GET' ? undefined : body,
      protocol: 'http-api',
    };
  });

// S3's REST API: requests signed for s3 (what the endpoint takes for S3), on buckets that exist, do not, or cannot,
// with the subresources, headers and documents the operations read, and junk.
const S3_SUBRESOURCES = [
  '',
  '?list-type=2',
  '?list-type=2&max-keys=-1',
  '?list-type=2&max-keys=abc&delimiter=/',
  '?list-type=2&continuation-token=forged',
  '?list-type=3',
  '?encoding-type=bogus',
  '?notification',
  '?policy',
  '?location',
  '?delete',
  '?uploads',
  '?versioning',
  '?acl',
  '?x-id=PutObject',
];
const S3_DOCUMENTS = [
  '<NotificationConfiguration><EventBridgeConfiguration/></NotificationConfiguration>',
  '<NotificationConfiguration><TopicConfiguration><Topic>t</Topic></TopicConfiguration></NotificationConfiguration>',
  '<NotificationConfiguration><Other/></NotificationConfiguration>',
  '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
  '<CreateBucketConfiguration><LocationConstraint><a/></LocationConstraint></CreateBucketConfiguration>',
  '<Delete><Object><Key>k</Key></Object><Quiet>true</Quiet></Delete>',
  '<Delete><Object><Key/></Object></Delete>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]><Delete><Object><Key>&a;</Key></Object></Delete>',
  `${'<a>'.repeat(3_000)}${'</a>'.repeat(3_000)}`,
  '{"Statement":[]}',
  '5;chunk-signature=0\r\nhello\r\n0;chunk-signature=0\r\n\r\n',
];
const s3Requests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST', 'PATCH'),
    path: fc.oneof(
      fc.constantFrom(
        '/',
        '/fuzz-bucket',
        '/fuzz-bucket/',
        '/fuzz-bucket/key',
        '/fuzz-bucket/a/b%20c',
        '/Bad_Bucket/k',
      ),
      fc.constantFrom(
        '/missing-bucket/k',
        '/fuzz-bucket/%E0%A4%A',
        '/fuzz-bucket/../k',
        `/fuzz-bucket/${'k'.repeat(1100)}`,
      ),
      printable(40).map((p) => `/fuzz-bucket/${encodeURIComponent(p)}`),
      printable(30).map((p) => `/${p.replace(/[?#\s]/g, '')}`),
    ),
    query: fc.oneof(
      fc.constantFrom(...S3_SUBRESOURCES),
      printable(30).map((q) => `?${encodeURI(q)}`),
    ),
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'xx-nowhere-9'),
    headers: fc.dictionary(
      fc.constantFrom(
        'content-md5',
        'content-type',
        'content-encoding',
        'x-amz-content-sha256',
        'x-amz-decoded-content-length',
        'x-amz-copy-source',
        'x-amz-meta-owner',
        'range',
      ),
      fc.oneof(
        printable(40),
        fc.constantFrom('aws-chunked', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'bytes=0-3', 'bytes=-0', 'bytes=9-1'),
      ),
      { maxKeys: 4 },
    ),
    body: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(...S3_DOCUMENTS),
      printable(200),
      fc.uint8Array({ maxLength: 256 }).map((b) => new Uint8Array(b)),
    ),
  })
  .map(({ method, path, query, region, headers, body }) => ({
    method,
    path: `${path}${query}`,
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260105/${region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
    protocol: 's3',
  }));

// Not /_smcp/settle nor /_smcp/schedules/fire: they drive the clock and the schedules, which is their job.
const localRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route: fc.oneof(
      fc.constantFrom('GET /_smcp/health', 'GET /_smcp/executions', 'POST /_smcp/events', 'POST /_smcp/events/since'),
      printable(30).map((p) => `POST /_smcp/${encodeURI(p)}`),
    ),
    body: fc.oneof(
      jsonBody,
      fc.jsonValue({ maxDepth: 4 }).map((events) => JSON.stringify({ events: [events] })),
      fc.jsonValue({ maxDepth: 2 }).map((count) => JSON.stringify({ count })),
    ),
  })
  .map(({ route, body }) => {
    const [method = 'GET', path = '/'] = route.split(' ');
    return { method, path, headers: {}, body: method === 'GET' ? undefined : body, protocol: 'local' };
  });

const anyRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(
      printable(40).map((p) => `/${p.replace(/[?#\s]/g, '')}`),
      fc.constant('//x'),
      fc.constant('/%'),
    ),
    headers: fc.dictionary(
      printable(12).filter((h) => /^[A-Za-z][A-Za-z0-9-]*$/.test(h)),
      printable(40),
      {
        maxKeys: 3,
      },
    ),
    body: fc.oneof(fc.constant(undefined), printable(100)),
  })
  .map((r) => ({ ...r, body: r.method === 'GET' || r.method === 'OPTIONS' ? undefined : r.body, protocol: 'any' }));

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Undefined when an error answer is well formed in the request's protocol; otherwise what is wrong with it. */
const malformedError = (request: FuzzRequest, answer: Answer): string | undefined => {
  const body = parseJson(answer.text);
  switch (request.protocol) {
    case 'dynamodb':
      // DynamoDB (and dynalite, which follows it) reads only its own content type; anything else is an operation it
      // does not know, answered in the shape of its oldest protocol.
      if (request.headers['content-type'] !== 'application/x-amz-json-1.0' && answer.status === 404) {
        return answer.text.trim() === '<UnknownOperationException/>'
          ? undefined
          : 'a 404 that is not UnknownOperationException';
      }
      if (typeof body?.__type !== 'string') return 'an error without __type';
      return undefined;
    case 'json':
      if (typeof body?.__type !== 'string') return 'an error without __type';
      if (typeof (body.message ?? body.Message) !== 'string') return 'an error without a message';
      return undefined;
    case 'sns':
      return /^<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><Error><Type>(Sender|Receiver)<\/Type><Code>[A-Za-z.]+<\/Code>/.test(
        answer.text,
      )
        ? undefined
        : 'an SNS error that is not an ErrorResponse';
    case 'lambda':
      if (answer.headers.get('x-amz-function-error')) return undefined;
      return answer.headers.get('x-amzn-errortype') && typeof body?.message === 'string'
        ? undefined
        : 'a Lambda error without X-Amzn-ErrorType and a message';
    case 'local':
      return typeof body?.error === 'string' ? undefined : 'a local route error without {error}';
    case 's3':
      // HEAD answers carry no body, as S3's do.
      if (request.method === 'HEAD') return answer.text === '' ? undefined : 'a HEAD error with a body';
      return /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>[A-Za-z]+<\/Code><Message>[^<]+<\/Message>.*<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/s.test(
        answer.text,
      )
        ? undefined
        : 'an S3 error that is not an <Error> document';
    default:
      return undefined;
  }
};

/**
 * The emulators' resources: secrets, state machines and executions, topics and subscriptions, queues (not messages),
 * buckets and objects — but not the log files the stack's trails write (CloudTrail records failed calls too, and a
 * trail delivers on the clock, which the checks run).
 */
const fingerprint = (cloud: LocalCloud): string => {
  const sqs = cloud.sqs.snapshot() as { queues: Record<string, { name: string; attributes: unknown }> };
  const trailBuckets = new Set(cloud.cloudTrail.trails().map((trail) => trail.bucket));
  return JSON.stringify([
    cloud.secretsmanager.snapshot(),
    cloud.stepfunctions.snapshot(),
    cloud.sns.snapshot(),
    Object.values(sqs.queues).map((q) => [q.name, q.attributes]),
    cloud.s3.snapshot().map((b) => (trailBuckets.has(b.name) ? { ...b, objects: [] } : b)),
  ]);
};

const ANSWER_TIMEOUT_MS = 20_000;
// Clock timers a request may leave behind (retry backoff of a delivery that failed, a Wait state, a visibility timeout)
// are run until the cloud is idle; a request that leaves more than this many is reported as never settling.
const MAX_TIMERS = 500;

const send = async (url: string, request: FuzzRequest): Promise<Answer | 'unsendable' | 'no answer'> => {
  let response: Response;
  try {
    response = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
  } catch (error) {
    // fetch refuses some requests before sending them (a header it cannot encode); the endpoint never saw those.
    if (error instanceof TypeError && !(error.cause instanceof Error && 'code' in error.cause)) return 'unsendable';
    return 'no answer';
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/**
 * A local cloud to fuzz (manual clock, no schedules, in memory) and the check of one request against it. A process
 * that starts several in turn passes the first one's port to the next: the handlers are imported once per process, and
 * their SDK clients keep the endpoint they were built with.
 */
const startFuzzCloud = async ({ port = 0 }: { port?: number } = {}) => {
  const clock = createManualClock('2026-01-05T09:00:00Z');
  const cloud = await startLocalCloud({
    port,
    clock,
    log: () => {},
    logLevel: 'SILENT',
  });
  // A bucket for the S3 requests to find (others they create, or fail to).
  cloud.s3.declareBucket({ name: 'fuzz-bucket', region: 'us-east-1', eventBridge: true });
  const targets = [cloud.secretsmanager.service, cloud.stepfunctions.service, cloud.sqs.service, cloud.bus.service]
    .flatMap((s) => Object.keys(s.operations).map((op) => `${s.targetPrefix}.${op}`))
    .concat(DYNAMODB_OPERATIONS.map((op) => `DynamoDB_20120810.${op}`));
  const functions = cloud.stack.functions.map((f) => f.name);
  const requests: fc.Arbitrary<FuzzRequest> = fc.oneof(
    { weight: 6, arbitrary: jsonRequests(targets) },
    { weight: 1, arbitrary: snsRequests },
    { weight: 1, arbitrary: lambdaRequests(functions) },
    { weight: 1, arbitrary: httpApiRequests },
    { weight: 1, arbitrary: localRequests },
    { weight: 1, arbitrary: s3Requests },
    { weight: 1, arbitrary: anyRequests },
  );

  /**
   * Runs the cloud until nothing moves: whenIdle alone would wait forever on a delivery backing off on the manual
   * clock, so the clock's timers are run, one at a time, while it waits. False when it never settles.
   */
  const quiesce = async (): Promise<boolean> => {
    let idle = false;
    const done = cloud.whenIdle().then(() => {
      idle = true;
    });
    for (let timers = 0; !idle; ) {
      if (await clock.runNext()) {
        if (++timers > MAX_TIMERS) return false;
      } else {
        // No timer yet: let the work in flight (a Lambda's HTTP calls) move, and look again.
        await Promise.race([done, new Promise<void>((resolve) => setImmediate(resolve))]);
      }
    }
    return true;
  };

  /** Undefined when the endpoint behaved; otherwise what went wrong. */
  const check = async (request: FuzzRequest): Promise<string | undefined> => {
    if (!(await quiesce())) return 'the cloud never settled before the request';
    const before = fingerprint(cloud);
    const answer = await send(cloud.url, request);
    if (answer === 'unsendable') return undefined;
    if (answer === 'no answer') return `no answer within ${ANSWER_TIMEOUT_MS} ms`;
    if (!(await quiesce())) return 'the cloud never settled after the request';
    const health = await send(cloud.url, {
      method: 'GET',
      path: '/_smcp/health',
      headers: {},
      body: undefined,
      protocol: 'local',
    });
    if (health === 'unsendable' || health === 'no answer' || health.status !== 200)
      return 'the endpoint stopped answering';
    // S3 answers what it does not do (multipart uploads, CopyObject, ACLs…) 501 NotImplemented, as S3 does.
    const notImplemented =
      request.protocol === 's3' &&
      answer.status === 501 &&
      (request.method === 'HEAD' || /<Code>NotImplemented</.test(answer.text));
    if (answer.status >= 500 && !notImplemented) return `answered ${answer.status}: ${answer.text.slice(0, 160)}`;
    const failed = answer.status >= 400 || answer.headers.get('x-amz-function-error') !== null;
    if (!failed) return undefined;
    const malformed = malformedError(request, answer);
    if (malformed) return `${malformed} (${answer.status}: ${answer.text.slice(0, 120)})`;
    if (fingerprint(cloud) !== before) return `an error (${answer.status}) changed the emulators' state`;
    return undefined;
  };

  return { cloud, requests, check, stop: () => cloud.stop() };
};

export type { FuzzRequest };
export { startFuzzCloud };

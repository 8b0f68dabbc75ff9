// The local cloud: one AWS-compatible endpoint on loopback with every service the control plane uses, driven by the
// project's own serverless.yml (functions, state machines, queues, tables, topics) and events/rules/ (through the
// rules serverless.yml generates), running the unmodified handlers in process.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Clock, createRealClock } from './clock.ts';
import { createDynamoDb } from './dynamodb/index.ts';
import { type BusEvent, createEventBus, type EventBus } from './eventbridge/bus.ts';
import { createFaultInjector } from './faults.ts';
import { createHttpApiRoutes } from './http-api.ts';
import { createInvokeRoute } from './lambda/invoke-api.ts';
import { createLambdaRuntime, type LambdaRuntime } from './lambda/runtime.ts';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from './protocol.ts';
import { createSecretsManager } from './secretsmanager/index.ts';
import { type Endpoint, startEndpoint } from './server.ts';
import { createSns } from './sns/index.ts';
import { createSqs } from './sqs/index.ts';
import { buildStack, type LocalStack } from './stack/build.ts';
import { loadServiceConfig } from './stack/service-config.ts';
import { createStepFunctions } from './stepfunctions/index.ts';

interface LocalCloudOptions {
  readonly root?: string;
  readonly port?: number;
  /** Where state survives restarts; omit for an in-memory cloud (tests). */
  readonly dataDir?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly clock?: Clock;
  /** SMCP_FAULTS syntax; see local/faults.ts. */
  readonly faults?: string;
  /** Start schedule rules on the clock (off for replays, which fire schedules explicitly). */
  readonly schedules?: boolean;
  readonly slackWebhookUrl?: string;
  /** Log lines from the services (SNS deliveries, dead letters, rejected deliveries); default: console. */
  readonly log?: (line: string) => void;
  /** The handlers' POWERTOOLS_LOG_LEVEL, over the stage's (e.g. ERROR for replays, whose output is the timeline). */
  readonly logLevel?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STATE_FILE = 'state.json';

const startLocalCloud = async (options: LocalCloudOptions = {}) => {
  const root = options.root ?? ROOT;
  const stage = options.stage ?? 'local';
  const region = options.region ?? DEFAULT_REGION;
  const clock = options.clock ?? createRealClock();
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const config = await loadServiceConfig({ root, stage });
  const faults = createFaultInjector(options.faults);
  const dynamodb = createDynamoDb(dataDir ? { path: join(dataDir, 'dynamodb') } : {});
  const sns = createSns({
    now: () => clock.now(),
    region,
    account: LOCAL_ACCOUNT,
    log,
    ...(dataDir ? { dataDir } : {}),
    ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
  });

  const routes = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (dynamodb.isDynamoDbRequest(req)) {
      dynamodb.handle(req, res, body);
      return true;
    }
    // Before the SNS query protocol: an HTTP API route may take form posts too (Slack's interactivity requests).
    if (httpApi && (await httpApi(req, res, body))) return true;
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
      const params = new URLSearchParams(body.toString('utf8'));
      const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''));
      const out = sns.handleQuery(params, {
        region: scope?.[1] ?? region,
        account: LOCAL_ACCOUNT,
        requestId: crypto.randomUUID(),
      });
      res.writeHead(out.status, { 'content-type': 'text/xml' });
      res.end(out.body);
      return true;
    }
    if (invokeRoute && (await invokeRoute(req, res, body))) return true;
    return admin ? admin(req, res, body) : false;
  };
  let invokeRoute: ReturnType<typeof createInvokeRoute> | undefined;
  let httpApi: ReturnType<typeof createHttpApiRoutes> | undefined;
  const background = new Set<Promise<unknown>>();
  let admin: ((req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>) | undefined;

  const endpoint: Endpoint = await startEndpoint({
    services: [],
    port: options.port ?? 0,
    routes,
    beforeOperation: faults.enabled ? faults.beforeOperation : undefined,
  });
  const stack: LocalStack = buildStack(config, { region, account: LOCAL_ACCOUNT }, endpoint.url);

  // The handlers find the local cloud the way they would find AWS: through the SDK's standard environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: '',
    ...stack.environment,
    ...(options.logLevel ? { POWERTOOLS_LOG_LEVEL: options.logLevel } : {}),
  });

  const lambda: LambdaRuntime = createLambdaRuntime({ root, functions: stack.functions });
  invokeRoute = createInvokeRoute(lambda, (work) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  });
  httpApi = createHttpApiRoutes({
    routes: stack.httpApiRoutes,
    invoke: (name, event) => lambda.invoke(name, event),
    now: () => clock.now(),
  });
  let bus: EventBus | undefined;
  const publish = (event: BusEvent) => bus?.publish(event);

  const secretsmanager = createSecretsManager({
    now: () => clock.now(),
    emit: publish,
    invokeRotation: async (lambdaArn, request) => {
      await lambda.invoke(lambdaArn, request);
    },
  });
  const stepfunctions = createStepFunctions({
    now: () => clock.now(),
    clock,
    region,
    account: LOCAL_ACCOUNT,
    invokeLambda: (ref, payload) => lambda.invoke(ref, payload),
    invokeIntegration: (resource, parameters) => integrate(resource.replace(/\.waitForTaskToken$/, ''), parameters),
    emit: (event) => publish(event as unknown as BusEvent),
  });
  const sqs = createSqs({
    now: () => clock.now(),
    clock,
    region,
    account: LOCAL_ACCOUNT,
    baseUrl: () => endpoint.url,
    log,
  });
  for (const service of [secretsmanager.service, stepfunctions.service, sqs.service]) endpoint.addService(service);

  // Step Functions service integrations the workflows may use directly, without a Lambda step.
  const integrate = async (resource: string, parameters: unknown): Promise<unknown> => {
    const params = (parameters ?? {}) as Record<string, unknown>;
    const ctx = { region, account: LOCAL_ACCOUNT, requestId: crypto.randomUUID() };
    if (resource === 'arn:aws:states:::sns:publish') {
      const query = new URLSearchParams({ Action: 'Publish', TopicArn: String(params.TopicArn ?? '') });
      query.set('Message', typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message));
      if (typeof params.Subject === 'string') query.set('Subject', params.Subject);
      const out = sns.handleQuery(query, ctx);
      if (out.status !== 200)
        throw Object.assign(new Error(out?.body ?? 'SNS unavailable'), { name: 'SNS.SnsException' });
      return { MessageId: /<MessageId>([^<]+)</.exec(out.body)?.[1] };
    }
    if (resource === 'arn:aws:states:::events:putEvents') {
      const operation = bus?.service.operations.PutEvents;
      if (!operation) throw new Error('The event bus is not ready');
      return operation(params, {
        ...ctx,
        service: 'events',
        operation: 'PutEvents',
        accessKeyId: undefined,
        sourceIp: '127.0.0.1',
        userAgent: 'states',
      });
    }
    throw Object.assign(new Error(`The local cloud has no Step Functions integration for ${resource}`), {
      name: 'States.Runtime',
    });
  };

  // Dead-letter queues first: a queue's RedrivePolicy names its dead-letter queue.
  const queues = [...stack.queues].sort(
    (a, b) => Number('RedrivePolicy' in a.attributes) - Number('RedrivePolicy' in b.attributes),
  );
  for (const queue of queues) sqs.createQueue(queue.name, queue.attributes);
  for (const topic of stack.topics) sns.createTopic(topic.name);
  for (const table of stack.tables) await dynamodb.createTable(table.properties as never);
  for (const machine of stack.stateMachines) {
    stepfunctions.registerStateMachine({ name: machine.name, definition: machine.definition });
  }
  for (const mapping of stack.eventSourceMappings) {
    sqs.attachConsumer(mapping.queueArn.split(':').at(-1) ?? '', {
      batchSize: mapping.batchSize,
      maximumBatchingWindowMs: mapping.maximumBatchingWindowSeconds * 1000,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      handler: async (event) => (await lambda.invoke(mapping.functionName, event)) as never,
    });
  }

  bus = createEventBus({
    clock,
    region,
    account: LOCAL_ACCOUNT,
    rules: stack.rules,
    deliver: async (targetArn, input) => {
      if (targetArn.startsWith('arn:aws:lambda:')) {
        await lambda.invoke(targetArn, JSON.parse(input));
      } else if (targetArn.startsWith('arn:aws:sqs:')) {
        sqs.sendMessage(targetArn.split(':').at(-1) ?? '', input);
      } else {
        throw new Error(`The local bus cannot deliver to ${targetArn}`);
      }
    },
    onDelivery: (record) => {
      if (!record.ok)
        log(`[events] ${record.rule} → ${record.target} failed for event ${record.eventId}: ${record.error}`);
    },
  });
  endpoint.addService(bus.service);

  // State from the last run: secrets, executions and queues; DynamoDB persists itself under dataDir.
  const stateFile = dataDir ? join(dataDir, STATE_FILE) : undefined;
  if (stateFile && existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    if (saved.secretsmanager) secretsmanager.restore(saved.secretsmanager);
    if (saved.stepfunctions) stepfunctions.restore(saved.stepfunctions);
    if (saved.sqs) sqs.restore(saved.sqs);
    if (saved.sns) sns.restore(saved.sns);
  }
  const persist = () => {
    if (!stateFile) return;
    const state = {
      savedAt: clock.now().toISOString(),
      secretsmanager: secretsmanager.snapshot(),
      stepfunctions: stepfunctions.snapshot(),
      sqs: sqs.snapshot(),
      sns: sns.snapshot(),
    };
    // Write then rename: a crash mid-write never leaves a torn state file.
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  };

  if (options.schedules) bus.startSchedules();

  /** Resolves when nothing is moving: no delivery, no queued message, no execution that can progress now. */
  const whenIdle = async () => {
    for (let round = 0; round < 50; round++) {
      const before = JSON.stringify([bus?.stats(), stepfunctions.executions().map((e) => e.status)]);
      await bus?.whenIdle();
      await Promise.allSettled([...background]);
      await secretsmanager.whenIdle();
      await sqs.drain();
      await stepfunctions.whenIdle();
      await sns.whenIdle();
      const after = JSON.stringify([bus?.stats(), stepfunctions.executions().map((e) => e.status)]);
      if (before === after) return;
    }
  };

  return {
    url: endpoint.url,
    clock,
    stack,
    lambda,
    bus,
    secretsmanager,
    stepfunctions,
    sqs,
    sns,
    dynamodb,
    faults,
    whenIdle,
    persist,
    setAdminRoutes: (handler: typeof admin) => {
      admin = handler;
    },
    async stop() {
      bus?.stopSchedules();
      persist();
      await endpoint.close();
      await dynamodb.close();
    },
  };
};

type LocalCloud = Awaited<ReturnType<typeof startLocalCloud>>;

export type { LocalCloud, LocalCloudOptions };
export { startLocalCloud };

// The local cloud: one AWS-compatible endpoint on loopback with every service the control plane uses, driven by the
// project's own serverless.yml (functions, state machines, queues, tables, topics) and events/rules/ (through the
// rules serverless.yml generates), running the unmodified handlers in process or on a thread of their own
// (`lambdaThread`).
//
// This file only puts the parts together, each built once in the order they depend on each other: the endpoint's URL
// (the stack's queue URLs name it), the stack, the Lambda runtime, the emulators with the bus before anything that can
// emit, the resources, the state the last run left (executions that were running resume), and only then the endpoint
// starts answering. The parts' own jobs live in cloud/ (routes, Step Functions integrations, persistence, the bus's
// owed deliveries, idleness), in store/ (the data directory's database) and in each service's folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdminRoutes } from './admin.ts';
import { type Clock, createRealClock } from './clock.ts';
import { keepClock } from './cloud/clock-persistence.ts';
import { createDeliveryJournal } from './cloud/deliveries.ts';
import { handlerEnvironment } from './cloud/environment.ts';
import { createBackground, createWhenIdle } from './cloud/idle.ts';
import { createIntegrations } from './cloud/integrations.ts';
import { createPersistence } from './cloud/persistence.ts';
import { createResources } from './cloud/resources.ts';
import { chainRoutes, consoleChanges, dynamoDbRoute, unlessServiceRequest } from './cloud/routes.ts';
import { deliverToTargets } from './cloud/targets.ts';
import { type CloudTrail, createCloudTrail, type TrailDefinition } from './cloudtrail/index.ts';
import { createConsoleRoute } from './console/routes.ts';
import { createDynamoDb, type DynamoDbEmulator } from './dynamodb/index.ts';
import { createEventBuses, type EventBuses } from './eventbridge/buses.ts';
import { deliveredAfterTheCall } from './eventbridge/event.ts';
import { createFaultInjector } from './faults.ts';
import { createHttpApiRoutes } from './http-api.ts';
import { createInvokeRoute } from './lambda/invoke-api.ts';
import { createFunctionLogs, type FunctionLogOptions } from './lambda/output.ts';
import { createLambdaRuntime, type LambdaRuntime, type LambdaThread } from './lambda/runtime.ts';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from './protocol.ts';
import { createS3, type S3Emulator } from './s3/index.ts';
import { secretsManagerAdminRoute } from './secretsmanager/admin-route.ts';
import { createSecretsManager, type SecretsManagerEmulator } from './secretsmanager/index.ts';
import { openEndpoint } from './server.ts';
import { createSns, type SnsEmulator } from './sns/index.ts';
import { createSnsQueryRoute } from './sns/route.ts';
import { createSqs, type SqsEmulator } from './sqs/index.ts';
import { buildStack, type LocalStack } from './stack/build.ts';
import { loadServiceConfig, type ParamOverrides } from './stack/service-config.ts';
import { createStepFunctions, type StepFunctions } from './stepfunctions/index.ts';
import { createStsRoute } from './sts/index.ts';

interface LocalCloudOptions {
  readonly root?: string;
  readonly port?: number;
  /** Where state survives restarts; omit for an in-memory cloud (tests). */
  readonly dataDir?: string;
  readonly stage?: string;
  /** Stage params over serverless.yml's, as `serverless --param="name=value"` gives them (e.g. `readsTrailBucket`). */
  readonly params?: ParamOverrides;
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
  /** Load every function's module before serving, so no first invocation stalls the endpoint (`smcp local`). */
  readonly preload?: boolean;
  /**
   * Where the functions' own output (their JSON log lines) goes: to `<dir>/<function>.jsonl`, printed, or both;
   * without it, to the terminal as each function prints it.
   */
  readonly functionLogs?: FunctionLogOptions;
  /** Who the console at /console/ decides approvals as (`smcp local --operator`); default `local-operator`. */
  readonly operator?: string;
  /**
   * Where the handlers run: `inline` (the default) on the endpoint's thread, where tests hook and observe them, or
   * `worker` on a thread of their own at a lower priority (`smcp local`), so a handler's synchronous work (a batch of
   * thousands of records) does not hold up the requests the endpoint answers meanwhile.
   */
  readonly lambdaThread?: LambdaThread;
  /** How often, in seconds of the local clock, the trails turn their buffered records into log files (default 60). */
  readonly trailDeliverySeconds?: number;
  /** Trails besides the stack's AWS::CloudTrail::Trail resources (a test's own, writing to a bucket it creates). */
  readonly trails?: readonly TrailDefinition[];
}

/** The local CloudTrail as the rest of the local cloud (and the replay engine) uses it. */
interface LocalCloudTrail {
  /** Appends one bare CloudTrail record to every logging trail whose selectors keep it. */
  record(record: unknown): void;
  /** Writes every pending log file now; resolves with their keys once they are in S3. */
  deliver(): Promise<string[]>;
  /** The trails, with how many records wait and how many files went. */
  trails(): ReturnType<CloudTrail['trails']>;
}

interface LocalCloud {
  readonly url: string;
  /** The console's page: `<url>/console/`. */
  readonly consoleUrl: string;
  /** Who the console decides approvals as. */
  readonly operator: string;
  readonly clock: Clock;
  readonly stack: LocalStack;
  /** The functions; `lambda.hook(…)` wraps every invocation (tests). */
  readonly lambda: LambdaRuntime;
  /** The event buses (the default and the stack's own); `bus.tap(…)` sees every event put on any of them (tests). */
  readonly bus: EventBuses;
  readonly secretsmanager: SecretsManagerEmulator;
  readonly stepfunctions: StepFunctions;
  readonly sqs: SqsEmulator;
  readonly sns: SnsEmulator;
  readonly dynamodb: DynamoDbEmulator;
  readonly s3: S3Emulator;
  readonly cloudTrail: LocalCloudTrail;
  readonly faults: ReturnType<typeof createFaultInjector>;
  /** Resolves when nothing is moving: no delivery, no queued message, no execution that can progress now. */
  whenIdle(): Promise<void>;
  /**
   * Resolves once every change so far is on disk. Every operation already answers only after what it changed is;
   * this is for background work (an execution moving on, a queued message) at a point a caller chooses.
   */
  persist(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const startLocalCloud = async (options: LocalCloudOptions = {}): Promise<LocalCloud> => {
  const root = options.root ?? ROOT;
  const region = options.region ?? DEFAULT_REGION;
  const account = LOCAL_ACCOUNT;
  const log = options.log ?? ((line: string) => console.log(line));
  // A bad fault spec fails the start before anything is made (the data directory, the endpoint, the handlers).
  const faults = createFaultInjector(options.faults);
  const { dataDir } = options;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The real clock's advance is kept with the data directory's state (it resumes before the executions do).
  const keptClock = options.clock === undefined && dataDir ? keepClock(createRealClock(), log) : undefined;
  const clock = options.clock ?? keptClock?.clock ?? createRealClock();
  const now = () => clock.now();

  const stage = options.stage ?? 'local';
  const operator = options.operator ?? 'local-operator';
  const config = await loadServiceConfig({ root, stage, ...(options.params ? { params: options.params } : {}) });
  const dynamodb = createDynamoDb(dataDir ? { path: join(dataDir, 'dynamodb') } : {});
  // Listening, not serving yet: requests wait until everything below exists.
  const endpoint = await openEndpoint({ port: options.port ?? 0 });
  let persistence: ReturnType<typeof createPersistence> | undefined;
  let runtime: LambdaRuntime | undefined;
  try {
    const stack = buildStack(config, { region, account }, endpoint.url);
    const environment = handlerEnvironment({ endpointUrl: endpoint.url, region, stack, logLevel: options.logLevel });
    const thread = options.lambdaThread ?? 'inline';
    // Handlers in process read this process's environment; the handlers' thread gets its own.
    if (thread === 'inline') Object.assign(process.env, environment);
    const functionLogs = options.functionLogs ? createFunctionLogs(options.functionLogs) : undefined;
    const lambda = createLambdaRuntime({
      root,
      functions: stack.functions,
      thread,
      environment,
      ...(functionLogs ? { logs: functionLogs.sink } : {}),
    });
    runtime = lambda;
    if (options.preload) await lambda.preload();

    const sqs = createSqs({ now, clock, region, account, baseUrl: () => endpoint.url, log });
    const sns = createSns({
      now,
      region,
      account,
      log,
      ...(dataDir ? { dataDir } : {}),
      ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
    });
    // Deliveries the buses owe are kept in the store once it is open (below).
    const deliveries = createDeliveryJournal();
    // The default bus and the stack's own (custom.eventBusName): events the local cloud publishes itself go where
    // they were first put, the control plane's (source smcp) on its bus, AWS's on the default bus.
    const controlBus = stack.environment.EVENT_BUS_NAME ?? 'default';
    const bus = createEventBuses({
      clock,
      journal: deliveries.journal,
      region,
      account,
      rules: stack.rules,
      buses: stack.eventBuses,
      homeOf: (event) => (event.source === 'smcp' ? controlBus : 'default'),
      deliver: deliverToTargets({ lambda, sqs }),
      onDelivery: (record) => {
        if (!record.ok)
          log(`[events] ${record.rule} → ${record.target} failed for event ${record.eventId}: ${record.error}`);
      },
    });
    const secretsmanager = createSecretsManager({
      now,
      emit: bus.publish,
      log,
      invokeRotation: async (lambdaArn, request) => {
        await lambda.invoke(lambdaArn, request);
      },
    });
    const s3 = createS3({ now, account, emit: (event) => bus.publish(event, 'default'), log });
    // After the bus (it taps it) and S3 (it writes there).
    const cloudTrail = createCloudTrail({
      clock,
      s3,
      region,
      account,
      trails: [...stack.trails, ...(options.trails ?? [])],
      ...(options.trailDeliverySeconds === undefined ? {} : { deliverySeconds: options.trailDeliverySeconds }),
      log,
    });
    bus.tap(cloudTrail.tap);
    const stepfunctions = createStepFunctions({
      now,
      clock,
      region,
      account,
      invokeLambda: (ref, payload) => lambda.invoke(ref, payload),
      invokeIntegration: createIntegrations({
        sns,
        bus,
        region,
        account,
        // Step Functions' events:putEvents tasks put events as a state machine role of the stack (its IAM path).
        role: `arn:aws:iam::${account}:role${stack.rolePath}StepFunctionsStateMachineRole`,
      }),
      // An execution runs whether or not the bus takes its status changes, as Secrets Manager's calls do.
      emit: deliveredAfterTheCall(bus.publish, log, 'states'),
    });
    await createResources(stack, { sqs, sns, dynamodb, stepfunctions, lambda, s3 });
    deliveries.bind(bus);

    // State from the last run, written through from now on. Executions that were running resume: they may invoke
    // functions, whose calls wait for the endpoint to serve, below.
    // The bus's owed deliveries attach last: delivering them again needs every target in place.
    const opened = createPersistence({
      dataDir,
      log,
      parts: {
        ...(keptClock ? { clock: keptClock.part } : {}),
        secretsmanager,
        sqs,
        sns,
        stepfunctions,
        s3,
        deliveries,
      },
    });
    persistence = opened;
    await opened.open();

    const background = createBackground();
    const whenIdle = createWhenIdle({ bus, background, secretsmanager, sqs, stepfunctions, sns, s3, cloudTrail });
    // `secretsmanager:quota=50` turns on the shared write quota (docs/local-cloud.md, "Replica faults").
    if (faults.quota('secretsmanager') !== undefined) secretsmanager.setWriteQuota(faults.quota('secretsmanager'));
    const console_ = createConsoleRoute({
      parts: { url: endpoint.url, clock, stack, region, secretsmanager, stepfunctions, bus },
      operator,
      stage,
      region,
      stageParams: { ...config.params?.default, ...config.params?.[stage], ...options.params },
      environment: stack.environment,
      approveFunction: stack.functions.find((fn) => fn.key === 'approve')?.name,
      onChange: consoleChanges({ bus, lambda }),
    });
    const services = [secretsmanager.service, stepfunctions.service, sqs.service, deliveries.durable(bus.service)];
    endpoint.serve({
      services,
      bodyRoute: s3.route,
      routes: unlessServiceRequest(
        services,
        chainRoutes([
          dynamoDbRoute(dynamodb),
          // Before SNS's query protocol: an HTTP API route may take form posts too (Slack's interactivity requests).
          createHttpApiRoutes({
            routes: stack.httpApiRoutes,
            invoke: (name, event) => lambda.invoke(name, event),
            now,
          }),
          // Before SNS, which takes every other form post: STS's query protocol (requests signed for `sts`).
          createStsRoute({ account }),
          createSnsQueryRoute(sns, region),
          createInvokeRoute(lambda, background.track),
          secretsManagerAdminRoute(secretsmanager),
          createAdminRoutes({
            clock,
            stack,
            stepfunctions,
            bus,
            secretsmanager,
            whenIdle,
            faults,
            flush: opened.flush,
            cloudTrail,
          }),
          console_.route,
        ]),
      ),
      beforeOperation: faults.enabled ? faults.beforeOperation : undefined,
    });
    // After the objects the last run left are back, and after the last step that may fail (a failed start leaves no
    // timer behind): what fell due while stopped goes now.
    s3.startExpiry(clock);
    if (options.schedules) bus.startSchedules();

    return {
      url: endpoint.url,
      consoleUrl: `${endpoint.url}/console/`,
      operator,
      clock,
      stack,
      lambda,
      bus,
      secretsmanager,
      stepfunctions,
      sqs,
      sns,
      dynamodb,
      s3,
      cloudTrail: { record: cloudTrail.record, deliver: cloudTrail.deliver, trails: cloudTrail.trails },
      faults,
      whenIdle,
      persist: opened.flush,
      async stop() {
        bus.stopSchedules();
        s3.stopExpiry();
        console_.close();
        await endpoint.close();
        // Before the store closes: the trails' buffered records become log files, which are kept.
        await cloudTrail.close();
        await s3.whenIdle();
        await opened.close();
        // After the store: what an invocation cut short changes (a task failing) is not kept, and is redone on the
        // next start as if the process had stopped there.
        await lambda.close();
        await functionLogs?.close();
        await dynamodb.close();
      },
    };
  } catch (error) {
    await endpoint.close();
    await persistence?.close();
    await runtime?.close();
    await dynamodb.close();
    throw error;
  }
};

export type { LocalCloud, LocalCloudOptions, LocalCloudTrail };
export { startLocalCloud };

// Builds the local stack from the resolved service: the same functions, queues, topics, tables, state machines and
// rules CloudFormation would create, with their names, ARNs and intrinsic references resolved.
import { createRequire } from 'node:module';
import { isTrue, selectorsOf, type TrailDefinition } from '../cloudtrail/selectors.ts';
import type { RuleDefinition } from '../eventbridge/bus.ts';
import type { LocalFunction } from '../lambda/runtime.ts';
import { type LifecycleRule, lifecycleRules } from '../s3/lifecycle.ts';
import { type LocalResource, type Pseudo, resolveIntrinsics } from './intrinsics.ts';
import type { ServiceConfig } from './service-config.ts';

type CfnResource = { Type: string; Properties?: Record<string, unknown> };

interface QueueDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly attributes: Record<string, string>;
}

interface EventSourceMapping {
  readonly functionName: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
}

/** A function's `events: - httpApi: { method, path }` (or `'METHOD /path'`): a route of the service's HTTP API. */
interface HttpApiRoute {
  readonly functionName: string;
  /** Upper-case, or `*` for any method. */
  readonly method: string;
  /** `/approvals/link`, with `{name}` / `{name+}` path parameters as API Gateway writes them. */
  readonly path: string;
  /** API Gateway's `routeKey`: `GET /approvals/link`, `ANY /x`. */
  readonly routeKey: string;
}

interface LocalStack {
  readonly pseudo: Pseudo;
  readonly functions: LocalFunction[];
  /** The union of every function's resolved environment (handlers share one process locally). */
  readonly environment: Record<string, string>;
  readonly queues: QueueDefinition[];
  readonly topics: { logicalId: string; name: string }[];
  readonly tables: { logicalId: string; properties: Record<string, unknown> }[];
  readonly stateMachines: { key: string; name: string; arn: string; definition: unknown }[];
  readonly rules: RuleDefinition[];
  /** The custom event buses (AWS::Events::EventBus) with their policies (AWS::Events::EventBusPolicy statements). */
  readonly eventBuses: { name: string; policy?: { Statement: unknown[] } }[];
  /** The IAM path of the stack's roles (provider.iam.role.path): the local Step Functions integrations act as a role there. */
  readonly rolePath: string;
  readonly eventSourceMappings: EventSourceMapping[];
  readonly httpApiRoutes: HttpApiRoute[];
  /** AWS::S3::Bucket, with its EventBridge notifications and its AWS::S3::BucketPolicy (kept, not enforced). */
  readonly buckets: BucketDefinition[];
  /** AWS::CloudTrail::Trail. */
  readonly trails: TrailDefinition[];
  readonly registry: Map<string, LocalResource>;
}

interface BucketDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly eventBridge: boolean;
  /** The bucket policy's document as JSON text. */
  readonly policy?: string;
  /** Its LifecycleConfiguration's enabled expiration rules. */
  readonly lifecycle: readonly LifecycleRule[];
}

// serverless's logical id for a function key (`ingest-reads` → `IngestDashreadsLambdaFunction`), from the one place
// the package step computes it: the rules plugin, CommonJS because serverless loads it.
const { functionLogicalId } = createRequire(import.meta.url)('../../scripts/sls/rules.cjs') as {
  functionLogicalId: (key: string) => string;
};

const asString = (value: unknown, where: string): string => {
  if (typeof value !== 'string')
    throw new Error(`${where}: expected a string after resolving, got ${JSON.stringify(value)}`);
  return value;
};

// serverless's two spellings: `httpApi: 'GET /path'` and `httpApi: { method: GET, path: /path }`; `'*'` is the
// catch-all route, which the local cloud does not serve (it would shadow the AWS APIs on the same endpoint).
const httpApiRoute = (spec: unknown, functionName: string): HttpApiRoute | undefined => {
  let method: unknown;
  let path: unknown;
  if (typeof spec === 'string') [method, path] = spec.trim().split(/\s+/);
  else if (spec && typeof spec === 'object') ({ method, path } = spec as Record<string, unknown>);
  if (typeof method !== 'string' || typeof path !== 'string' || !path.startsWith('/')) return undefined;
  const upper = method.toUpperCase();
  return { functionName, method: upper, path, routeKey: `${upper === '*' ? 'ANY' : upper} ${path}` };
};

const buildStack = (config: ServiceConfig, pseudo: Pseudo, baseUrl: string): LocalStack => {
  const { region, account } = pseudo;
  const registry = new Map<string, LocalResource>();
  const resources = Object.entries(config.resources?.Resources ?? {}) as [string, CfnResource][];
  const stage = config.provider.stage;

  // Names and ARNs first, so that references between resources resolve whatever their order.
  const functions: LocalFunction[] = Object.entries(config.functions ?? {}).map(([key, fn]) => {
    const name = fn.name ?? `${config.service}-${stage}-${key}`;
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    registry.set(functionLogicalId(key), { ref: name, attributes: { Arn: arn } });
    return { key, name, arn, handler: fn.handler, timeoutSeconds: fn.timeout ?? config.provider.timeout ?? 6 };
  });
  const queues: QueueDefinition[] = [];
  const topics: LocalStack['topics'] = [];
  const tables: LocalStack['tables'] = [];
  const buckets: { logicalId: string; name: string }[] = [];
  // Buses first: a rule's ARN names its bus (`rule/<bus>/<name>` off the default bus).
  const busNames = new Map<string, string>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::Events::EventBus') continue;
    const name = String(resource.Properties?.Name ?? logicalId);
    busNames.set(logicalId, name);
    registry.set(logicalId, {
      ref: name,
      attributes: { Arn: `arn:aws:events:${region}:${account}:event-bus/${name}`, Name: name },
    });
  }
  const busOf = (value: unknown): string => {
    if (value === undefined) return 'default';
    const ref = (value as { Ref?: string }).Ref;
    return typeof value === 'string' ? value : ((ref && busNames.get(ref)) ?? 'default');
  };
  for (const [logicalId, resource] of resources) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::SQS::Queue') {
      const name = typeof props.QueueName === 'string' ? props.QueueName : `${config.service}-${stage}-${logicalId}`;
      const arn = `arn:aws:sqs:${region}:${account}:${name}`;
      registry.set(logicalId, {
        ref: `${baseUrl}/${account}/${name}`,
        attributes: { Arn: arn, QueueName: name, QueueUrl: `${baseUrl}/${account}/${name}` },
      });
      queues.push({ logicalId, name, attributes: {} });
    } else if (resource.Type === 'AWS::SNS::Topic') {
      const name = typeof props.TopicName === 'string' ? props.TopicName : `${config.service}-${stage}-${logicalId}`;
      const arn = `arn:aws:sns:${region}:${account}:${name}`;
      registry.set(logicalId, { ref: arn, attributes: { TopicArn: arn, TopicName: name } });
      topics.push({ logicalId, name });
    } else if (resource.Type === 'AWS::DynamoDB::Table') {
      const name = typeof props.TableName === 'string' ? props.TableName : `${config.service}-${stage}-${logicalId}`;
      registry.set(logicalId, {
        ref: name,
        attributes: { Arn: `arn:aws:dynamodb:${region}:${account}:table/${name}` },
      });
      tables.push({ logicalId, properties: { ...props, TableName: name } });
    } else if (resource.Type === 'AWS::S3::Bucket') {
      // CloudFormation makes up a lower-case name from the stack and the logical id when none is given.
      const name =
        props.BucketName === undefined
          ? `${config.service}-${stage}-${logicalId}`.toLowerCase().slice(0, 63)
          : asString(
              resolveIntrinsics(props.BucketName, registry, pseudo, `Resources.${logicalId}.Properties.BucketName`),
              `Resources.${logicalId}.Properties.BucketName`,
            );
      registry.set(logicalId, {
        ref: name,
        attributes: {
          Arn: `arn:aws:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
        },
      });
      buckets.push({ logicalId, name });
    } else if (resource.Type === 'AWS::CloudTrail::Trail') {
      const name = typeof props.TrailName === 'string' ? props.TrailName : `${config.service}-${stage}-${logicalId}`;
      registry.set(logicalId, {
        ref: name,
        attributes: { Arn: `arn:aws:cloudtrail:${region}:${account}:trail/${name}` },
      });
    } else if (resource.Type === 'AWS::Events::Rule') {
      const name = typeof props.Name === 'string' ? props.Name : `${config.service}-${stage}-${logicalId}`;
      const bus = busOf(props.EventBusName);
      const path = bus === 'default' ? name : `${bus}/${name}`;
      registry.set(logicalId, { ref: name, attributes: { Arn: `arn:aws:events:${region}:${account}:rule/${path}` } });
    }
  }
  const machines = Object.entries(config.stepFunctions?.stateMachines ?? {}).map(([key, sm]) => {
    const name = sm.name ?? `${config.service}-${stage}-${key}`;
    const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
    if (sm.id) registry.set(sm.id, { ref: arn, attributes: { Arn: arn, Name: name } });
    return { key, name, arn, definition: sm.definition };
  });

  const resolve = (value: unknown, where: string) => resolveIntrinsics(value, registry, pseudo, where);

  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::SQS::Queue') continue;
    const queue = queues.find((q) => q.logicalId === logicalId);
    if (!queue) continue;
    const props = resolve(resource.Properties ?? {}, `Resources.${logicalId}`) as Record<string, unknown>;
    for (const [key, value] of Object.entries(props)) {
      // Queue attributes go over the wire as strings; RedrivePolicy as JSON text.
      if (key !== 'QueueName' && key !== 'Tags')
        queue.attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }

  const environment: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const setEnv = (name: string, value: unknown, owner: string) => {
    const text = asString(
      typeof value === 'number' || typeof value === 'boolean' ? String(value) : value,
      `${owner}.environment.${name}`,
    );
    if (name in environment && environment[name] !== text) {
      throw new Error(
        `Environment variable ${name} differs between ${sources[name]} and ${owner}; the local cloud runs every handler in one process, so give them different names`,
      );
    }
    environment[name] = text;
    sources[name] = owner;
  };
  for (const [name, value] of Object.entries(config.provider.environment ?? {})) {
    setEnv(name, resolve(value, `provider.environment.${name}`), 'provider');
  }
  const eventSourceMappings: EventSourceMapping[] = [];
  const httpApiRoutes: HttpApiRoute[] = [];
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    for (const event of fn.events ?? []) {
      const route = httpApiRoute(event.httpApi, functions.find((f) => f.key === key)?.name ?? key);
      if (route) httpApiRoutes.push(route);
    }
    for (const [name, value] of Object.entries(fn.environment ?? {})) {
      setEnv(name, resolve(value, `functions.${key}.environment.${name}`), `functions.${key}`);
    }
    for (const event of fn.events ?? []) {
      const sqs = event.sqs as Record<string, unknown> | string | undefined;
      if (!sqs) continue;
      const spec = typeof sqs === 'string' ? { arn: sqs } : sqs;
      eventSourceMappings.push({
        functionName: functions.find((f) => f.key === key)?.name ?? key,
        queueArn: asString(resolve(spec.arn, `functions.${key}.events.sqs.arn`), `functions.${key}.events.sqs.arn`),
        batchSize: Number(spec.batchSize ?? 10),
        maximumBatchingWindowSeconds: Number(spec.maximumBatchingWindow ?? 0),
        reportBatchItemFailures: spec.functionResponseType === 'ReportBatchItemFailures',
      });
    }
  }

  const rules: RuleDefinition[] = resources
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([logicalId, r]) => {
      const props = resolve(r.Properties ?? {}, `Resources.${logicalId}`) as Record<string, unknown>;
      const targets = (props.Targets as Record<string, unknown>[] | undefined) ?? [];
      return {
        name: String(props.Name),
        eventBusName: props.EventBusName === undefined ? 'default' : String(props.EventBusName),
        state: String(props.State ?? 'ENABLED'),
        ...(props.EventPattern ? { eventPattern: props.EventPattern } : {}),
        ...(props.ScheduleExpression ? { scheduleExpression: String(props.ScheduleExpression) } : {}),
        targets: targets.map((t) => ({
          id: String(t.Id),
          arn: String(t.Arn),
          ...(typeof t.Input === 'string' ? { input: t.Input } : {}),
          ...(t.InputTransformer ? { inputTransformer: t.InputTransformer as { InputTemplate: string } } : {}),
          ...((t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn
            ? { deadLetterArn: (t.DeadLetterConfig as { Arn: string }).Arn }
            : {}),
          ...((t.RetryPolicy as { MaximumRetryAttempts?: number } | undefined)?.MaximumRetryAttempts !== undefined
            ? { maximumRetryAttempts: (t.RetryPolicy as { MaximumRetryAttempts: number }).MaximumRetryAttempts }
            : {}),
        })),
      };
    });

  const stateMachines = machines.map((m) => ({ ...m, definition: resolve(m.definition, `stepFunctions.${m.key}`) }));

  const resolved = (type: string) =>
    resources
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, r]) => {
        const where = `Resources.${logicalId}`;
        return { logicalId, where, props: resolve(r.Properties ?? {}, where) as Record<string, unknown> };
      });
  const policies = resolved('AWS::S3::BucketPolicy');
  const bucketProps = resolved('AWS::S3::Bucket');
  const bucketDefinitions: BucketDefinition[] = buckets.map(({ logicalId, name }) => {
    const props = (bucketProps.find((b) => b.logicalId === logicalId)?.props ?? {}) as {
      NotificationConfiguration?: { EventBridgeConfiguration?: { EventBridgeEnabled?: unknown } };
      LifecycleConfiguration?: unknown;
    };
    const eventBridge = props.NotificationConfiguration?.EventBridgeConfiguration;
    const policy = policies.find((p) => p.props.Bucket === name)?.props.PolicyDocument;
    return {
      logicalId,
      name,
      // EventBridgeEnabled defaults to true once EventBridgeConfiguration is there.
      eventBridge:
        eventBridge !== undefined &&
        (eventBridge.EventBridgeEnabled === undefined || isTrue(eventBridge.EventBridgeEnabled)),
      ...(policy === undefined ? {} : { policy: JSON.stringify(policy) }),
      lifecycle: lifecycleRules(
        props.LifecycleConfiguration,
        `Resources.${logicalId}.Properties.LifecycleConfiguration`,
      ),
    };
  });
  const trails: TrailDefinition[] = resolved('AWS::CloudTrail::Trail').map(({ logicalId, where, props }) => {
    if (typeof props.S3BucketName !== 'string') throw new Error(`${where}: a trail needs S3BucketName`);
    if (props.IsLogging === undefined) throw new Error(`${where}: a trail needs IsLogging`);
    const keyPrefix = typeof props.S3KeyPrefix === 'string' && props.S3KeyPrefix !== '' ? props.S3KeyPrefix : undefined;
    return {
      name: registry.get(logicalId)?.ref ?? logicalId,
      bucket: props.S3BucketName,
      ...(keyPrefix ? { keyPrefix } : {}),
      isLogging: isTrue(props.IsLogging),
      multiRegion: isTrue(props.IsMultiRegionTrail),
      selectors: selectorsOf(props, where),
    };
  });

  const eventBuses = [...busNames].map(([logicalId, name]) => {
    const statements = resources
      .filter(([, r]) => r.Type === 'AWS::Events::EventBusPolicy')
      .map(([id, r]) => resolve(r.Properties ?? {}, `Resources.${id}`) as Record<string, unknown>)
      .filter((props) => busOf(props.EventBusName) === name || props.EventBusName === name)
      .map((props) => ({ Sid: props.StatementId, ...(props.Statement as Record<string, unknown>) }));
    return { name, ...(statements.length > 0 ? { policy: { Statement: statements } } : {}), logicalId };
  });

  return {
    pseudo,
    functions,
    environment,
    queues,
    topics,
    tables: tables.map((t) => ({
      ...t,
      properties: resolve(t.properties, `Resources.${t.logicalId}`) as Record<string, unknown>,
    })),
    stateMachines,
    rules,
    eventBuses: eventBuses.map(({ logicalId: _id, ...bus }) => bus),
    rolePath: String((config.provider as { iam?: { role?: { path?: unknown } } }).iam?.role?.path ?? '/'),
    eventSourceMappings,
    httpApiRoutes,
    buckets: bucketDefinitions,
    trails,
    registry,
  };
};

export type { BucketDefinition, EventSourceMapping, HttpApiRoute, LocalStack, QueueDefinition };
export { buildStack, functionLogicalId };

// The local default event bus: PutEvents and TestEventPattern over the wire, routing through the deployed rules
// (the AWS::Events::Rule resources serverless.yml generates from events/rules/), input transformers, retries,
// dead letters and schedules on the local clock.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { AwsError, type JsonService } from '../protocol.ts';
import { InvalidEventPatternError } from './errors.ts';
import type { EventBridgeEvent } from './event.ts';
import { compileInputTransformer, type InputTransformer } from './input-transformer.ts';
import { type CompiledPattern, compilePattern, matches } from './pattern.ts';
import { parseSchedule, type Schedule } from './schedule.ts';

type BusEvent = EventBridgeEvent;

interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputTransformer?: InputTransformer;
  readonly deadLetterArn?: string;
  readonly maximumRetryAttempts?: number;
}

interface RuleDefinition {
  readonly name: string;
  readonly state: string;
  readonly eventPattern?: unknown;
  readonly scheduleExpression?: string;
  readonly targets: readonly RuleTarget[];
}

interface BusOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly account: string;
  readonly rules: readonly RuleDefinition[];
  /** Hands a target its input; throwing counts as a failed delivery (retried, then dead-lettered). */
  readonly deliver: (targetArn: string, input: string) => Promise<void>;
  readonly onDelivery?: (record: {
    rule: string;
    target: string;
    eventId: string;
    ok: boolean;
    error?: string;
  }) => void;
}

type CompiledTarget = RuleTarget & { readonly transform: ReturnType<typeof compileInputTransformer> | undefined };

const MAX_ENTRY_BYTES = 256 * 1024;
// The bus keeps the latest events it saw, for tests and for looking back at a local run.
const RECENT_EVENTS = 10_000;
// The local bus retries a failing target a few times with short backoff; AWS's own policy is hours long.
const LOCAL_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

const createEventBus = (options: BusOptions) => {
  const { clock, region, account } = options;
  const ruleArn = (name: string) => `arn:aws:events:${region}:${account}:rule/${name}`;
  const rules = options.rules.map((rule) => ({
    ...rule,
    arn: ruleArn(rule.name),
    pattern: rule.eventPattern ? compilePattern(rule.eventPattern as object) : undefined,
    targets: rule.targets.map((target) => ({
      ...target,
      transform: target.inputTransformer ? compileInputTransformer(target.inputTransformer) : undefined,
    })),
    schedule: rule.scheduleExpression ? parseSchedule(rule.scheduleExpression) : undefined,
  })) as (Omit<RuleDefinition, 'targets'> & {
    arn: string;
    pattern?: CompiledPattern;
    schedule?: Schedule;
    targets: CompiledTarget[];
  })[];
  const inFlight = new Set<Promise<void>>();
  const stats = { events: 0, matched: 0, delivered: 0, failed: 0 };
  let recent: BusEvent[] = [];
  // Trim in chunks, not per event: dropping the oldest one at a time would shift the whole array on every publish.
  const remember = (event: BusEvent) => {
    recent.push(event);
    if (recent.length >= 2 * RECENT_EVENTS) recent = recent.slice(-RECENT_EVENTS);
  };
  let scheduling = false;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const deliverWithRetry = async (rule: (typeof rules)[number], target: CompiledTarget, event: BusEvent) => {
    const input =
      target.input ??
      (target.transform
        ? target.transform({
            event: event as unknown as Record<string, unknown>,
            ruleName: rule.name,
            ruleArn: rule.arn,
            ingestionTime: clock.now().toISOString(),
          })
        : JSON.stringify(event));
    const retries = Math.min(target.maximumRetryAttempts ?? LOCAL_RETRY_DELAYS_MS.length, LOCAL_RETRY_DELAYS_MS.length);
    for (let attempt = 0; ; attempt++) {
      try {
        await options.deliver(target.arn, input);
        stats.delivered++;
        options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: true });
        return;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (attempt < retries) {
          await clock.sleep(LOCAL_RETRY_DELAYS_MS[attempt] ?? 30_000);
          continue;
        }
        stats.failed++;
        options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: false, error: message });
        if (target.deadLetterArn) {
          await options
            .deliver(target.deadLetterArn, input)
            .catch((dlqError) => console.error(`[local events] dead letter for ${rule.name} failed`, dlqError));
        }
        return;
      }
    }
  };

  /** Routes one event through every enabled rule whose pattern matches; deliveries run in the background. */
  const publish = (event: BusEvent): number => {
    stats.events++;
    remember(event);
    const detail = event.detail as { readOnly?: unknown; eventType?: unknown } | undefined;
    // Read-only CloudTrail management events reach only rules in the ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS state.
    const readOnlyManagement = detail?.eventType === 'AwsApiCall' && detail.readOnly === true;
    let matched = 0;
    for (const rule of rules) {
      if (!rule.pattern || rule.state === 'DISABLED') continue;
      if (readOnlyManagement && rule.state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') continue;
      if (!matches(rule.pattern, event)) continue;
      matched++;
      for (const target of rule.targets) track(deliverWithRetry(rule, target, event));
    }
    stats.matched += matched;
    return matched;
  };

  const scheduledEvent = (rule: (typeof rules)[number]): BusEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [rule.arn],
    detail: {},
  });

  /** Fires one scheduled rule now, as its schedule would (tests and `smcp` use this). */
  const fireSchedule = (name: string): BusEvent => {
    const rule = rules.find((r) => r.name === name && r.schedule);
    if (!rule) throw new Error(`No scheduled rule named ${name}`);
    const event = scheduledEvent(rule);
    stats.events++;
    remember(event);
    stats.matched++;
    for (const target of rule.targets) track(deliverWithRetry(rule, target, event));
    return event;
  };

  const startSchedules = () => {
    scheduling = true;
    for (const rule of rules) {
      if (!rule.schedule || rule.state === 'DISABLED') continue;
      const schedule = rule.schedule;
      void (async () => {
        while (scheduling) {
          const now = clock.now();
          await clock.sleep(schedule.next(now).getTime() - now.getTime());
          if (scheduling) fireSchedule(rule.name);
        }
      })();
    }
  };

  const putEvents = (input: Record<string, unknown>, ctx: { region: string; account: string }) => {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new AwsError('ValidationException', 'Entries must contain between 1 and 10 entries');
    }
    const results = entries.map((entry: Record<string, unknown>) => {
      const fail = (code: string, message: string) => ({ ErrorCode: code, ErrorMessage: message });
      if (typeof entry.Source !== 'string' || entry.Source === '')
        return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
      if (typeof entry.DetailType !== 'string' || entry.DetailType === '')
        return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
      if (typeof entry.Detail !== 'string')
        return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
      if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES)
        return fail('InvalidArgument', 'Event size exceeded 256 KB');
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return fail('MalformedDetail', 'Detail is malformed.');
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
        return fail('MalformedDetail', 'Detail is malformed.');
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ctx.account,
        time: (entry.Time ? new Date(entry.Time as string | number) : clock.now())
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region: ctx.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
      };
      publish(event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const testEventPattern = (input: Record<string, unknown>) => {
    if (typeof input.EventPattern !== 'string' || typeof input.Event !== 'string') {
      throw new AwsError('ValidationException', 'EventPattern and Event are required strings');
    }
    let event: unknown;
    try {
      event = JSON.parse(input.Event);
    } catch {
      throw new AwsError('InvalidEventPatternException', 'Event is not valid JSON');
    }
    try {
      return { Result: matches(compilePattern(input.EventPattern), event as object) };
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new AwsError('InvalidEventPatternException', error.message);
      throw error;
    }
  };

  const describe = (rule: (typeof rules)[number]) => ({
    Name: rule.name,
    Arn: rule.arn,
    State: rule.state,
    EventBusName: 'default',
    ...(rule.eventPattern ? { EventPattern: JSON.stringify(rule.eventPattern) } : {}),
    ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
  });

  const service: JsonService = {
    targetPrefix: 'AWSEvents',
    signingName: 'events',
    contentType: 'application/x-amz-json-1.1',
    operations: {
      PutEvents: putEvents,
      TestEventPattern: testEventPattern,
      ListRules: () => ({ Rules: rules.map(describe) }),
      DescribeRule: (input) => {
        const rule = rules.find((r) => r.name === input.Name);
        if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${String(input.Name)} does not exist.`);
        return describe(rule);
      },
      ListTargetsByRule: (input) => {
        const rule = rules.find((r) => r.name === input.Rule);
        if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${String(input.Rule)} does not exist.`);
        return { Targets: rule.targets.map((t) => ({ Id: t.id, Arn: t.arn })) };
      },
    },
  };

  return {
    service,
    publish,
    fireSchedule,
    startSchedules,
    stopSchedules: () => {
      scheduling = false;
    },
    rules: () => rules.map(describe),
    stats: () => ({ ...stats }),
    /** The latest events published on the bus (scheduled events included), oldest first. */
    recentEvents: (): readonly BusEvent[] => recent.slice(-RECENT_EVENTS),
    /** Resolves when no delivery is in flight (deliveries started by deliveries included). */
    async whenIdle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};

type EventBus = ReturnType<typeof createEventBus>;

export type { BusEvent, EventBus, RuleDefinition, RuleTarget };
export { createEventBus };

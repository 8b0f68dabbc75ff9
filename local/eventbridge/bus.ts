// The local default event bus: routing through the deployed rules (the AWS::Events::Rule resources serverless.yml
// generates from events/rules/), input transformers, retries, dead letters and schedules on the local clock, and taps
// that see every event put on it. Its API (PutEvents, TestEventPattern, …) is api.ts.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { DEFAULT_LIMITS, valueNestsDeeperThan } from '../json-protocol/body.ts';
import { createEventsApi } from './api.ts';
import { InvalidEventError } from './errors.ts';
import type { EventBridgeEvent } from './event.ts';
import { compileInputTransformer, type InputTransformer } from './input-transformer.ts';
import { type CompiledPattern, compilePattern, matches } from './pattern.ts';
import { createRecentEvents, isReadOnlyCall } from './recent-events.ts';
import { parseSchedule, type Schedule } from './schedule.ts';

type BusEvent = EventBridgeEvent;

/** How an event got on the bus: through the PutEvents API (handlers, Step Functions tasks), put there by the local
 * cloud itself (service events, replayed recordings) or fired by a schedule. */
type Via = 'PutEvents' | 'publish' | 'schedule';

/** Sees each event as it is put on the bus, before any rule routes it. */
type Tap = (event: BusEvent, via: Via) => void;

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
  /** The bus the rule belongs to (its EventBusName); `default` when absent. buses.ts hands each bus its own rules. */
  readonly eventBusName?: string;
  readonly state: string;
  readonly eventPattern?: unknown;
  readonly scheduleExpression?: string;
  readonly targets: readonly RuleTarget[];
}

/** A delivery owed to a rule's target: what the local cloud's store keeps until it is done (cloud/deliveries.ts). */
interface OwedDelivery {
  /** The bus the rule is on; absent in rows written before there were several buses: the default bus. */
  readonly bus?: string;
  readonly rule: string;
  readonly target: string;
  readonly event: BusEvent;
}

/** Told of every delivery as the event is routed, and again when it is over (delivered or dead-lettered). */
interface DeliveryJournal {
  owe(delivery: OwedDelivery): string;
  settle(id: string): void;
}

interface BusOptions {
  /** The bus's name (`default` unless given): rules and their ARNs are named after it, as EventBridge names them. */
  readonly name?: string;
  readonly clock: Clock;
  readonly journal?: DeliveryJournal;
  readonly region: string;
  readonly account: string;
  readonly rules: readonly RuleDefinition[];
  /** How many of the latest events the bus keeps (RECENT_EVENTS unless given; buses.ts keeps one log for all). */
  readonly recentEvents?: number;
  /**
   * Hands a target its input; throwing (or rejecting) counts as a failed delivery (retried, then dead-lettered). A
   * target that takes it at once (a queue) returns nothing: the delivery is over within the turn, no promise made.
   */
  readonly deliver: (targetArn: string, input: string) => Promise<void> | undefined;
  readonly onDelivery?: (record: {
    rule: string;
    target: string;
    eventId: string;
    ok: boolean;
    error?: string;
  }) => void;
}

type CompiledTarget = RuleTarget & { readonly transform: ReturnType<typeof compileInputTransformer> | undefined };

/** Only the error's name: a message may quote the event (a delivery's input can hold anything). */
const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/** A target's own error (a handler's, a queue's), as the delivery log shows it. */
const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// A detail as deep as a request body may be (json-protocol/body.ts), inside the event's envelope.
const MAX_EVENT_DEPTH = DEFAULT_LIMITS.maxDepth + 1;
// Objects and arrays the quick walk visits before it hands over to the careful one: an event the emulators make has a
// dozen; past this many, the value may share objects (a walk of every path could explode) and is walked carefully.
const QUICK_WALK_OBJECTS = 10_000;

let walkBudget = 0;

/** Whether `value` nests deeper than MAX_EVENT_DEPTH, or the walk ran out of budget (then: undecided). */
const quickWalk = (value: object, depth: number): boolean => {
  if (depth > MAX_EVENT_DEPTH || --walkBudget < 0) return true;
  if (Array.isArray(value)) {
    for (const child of value)
      if (child !== null && typeof child === 'object' && quickWalk(child, depth + 1)) return true;
    return false;
  }
  // for…in with hasOwn: the own enumerable members, as Object.values has them, without an array per object.
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && Object.hasOwn(value, key) && quickWalk(child, depth + 1)) {
      return true;
    }
  }
  return false;
};

/**
 * Whether an event nests deeper than a request body may. Recursion at most MAX_EVENT_DEPTH frames deep, with nothing
 * allocated: a sixth of the careful walk's cost (valueNestsDeeperThan, which keeps a stack and a map of every object)
 * on every event the emulators publish. A cycle nests without end, so it is too deep either way.
 */
const nestsTooDeep = (event: object): boolean => {
  walkBudget = QUICK_WALK_OBJECTS;
  if (!quickWalk(event, 1)) return false;
  return walkBudget >= 0 || valueNestsDeeperThan(event, MAX_EVENT_DEPTH);
};

/**
 * What the bus accepts from any caller (PutEvents has checked its entries already; publish() takes events from the
 * emulators, replays and /_smcp/events): an event object no deeper than a request body may be, so the recursive code
 * behind the bus (pattern matching, input transformers, JSON.stringify) never runs out of stack.
 */
const checkEvent = (event: BusEvent) => {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError('An event must be a JSON object');
  }
  if (typeof event.id !== 'string' || typeof event.source !== 'string' || typeof event['detail-type'] !== 'string') {
    throw new InvalidEventError('An event needs string id, source and detail-type');
  }
  if (nestsTooDeep(event)) {
    throw new InvalidEventError(`An event's detail may nest at most ${DEFAULT_LIMITS.maxDepth} levels`);
  }
};

// The bus keeps the latest events it saw (recent-events.ts), for tests and for looking back at a local run.
const RECENT_EVENTS = 10_000;
// The local bus retries a failing target a few times with short backoff; AWS's own policy is hours long.
const LOCAL_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

const createEventBus = (options: BusOptions) => {
  const { clock, region, account } = options;
  const busName = options.name ?? 'default';
  // A custom bus's rules are `rule/<bus>/<name>`, the default bus's `rule/<name>`.
  const ruleArn = (name: string) =>
    `arn:aws:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${name}`;
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
  // The rules an event can match, worked out once (the rules never change): read-only CloudTrail management events
  // reach only rules in the ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS state, as in AWS: a read's CloudTrail event
  // is matched against those alone (the stack has one, read-events), and against nothing on a bus without any.
  const routable = rules.filter((rule) => rule.pattern && rule.state !== 'DISABLED');
  const allManagementEvents = routable.filter((rule) => rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  const inFlight = new Set<Promise<void>>();
  const stats = { events: 0, matched: 0, delivered: 0, failed: 0 };
  const recent = createRecentEvents(options.recentEvents ?? RECENT_EVENTS);
  let scheduling = false;
  const taps = new Set<Tap>();

  // Every way onto the bus passes here. A tap that throws fails the put: taps are for tests, which should hear of it.
  const admit = (event: BusEvent, via: Via) => {
    stats.events++;
    recent.add(event);
    for (const tap of taps) tap(event, via);
  };

  // A delivery runs in the background: whatever goes wrong in it is a failed delivery, reported, never a rejection
  // nobody handles (which would stop the process).
  const track = (work: Promise<void>, rule: string, eventId: string) => {
    const settled = work.catch((error: unknown) => {
      stats.failed++;
      options.onDelivery?.({ rule, target: 'unknown', eventId, ok: false, error: errorName(error) });
    });
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };

  /** The target's input, or why it cannot be built (the transformer met a value JSON cannot hold). */
  const inputFor = (rule: (typeof rules)[number], target: CompiledTarget, event: BusEvent) => {
    try {
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
      return { ok: true as const, input };
    } catch (error) {
      return { ok: false as const, error: `InputTransformationFailed: ${errorName(error)}` };
    }
  };

  /**
   * One delivery, owed in the journal until it is over. The first attempt is made now: a target that takes the input
   * at once (every read's CloudTrail event into the read pipeline's queue) is done within the turn, with no promise
   * and no background work; anything else goes on in the background (retries included).
   */
  const start = (rule: (typeof rules)[number], target: CompiledTarget, event: BusEvent, owed?: string) => {
    const id = owed ?? options.journal?.owe({ bus: busName, rule: rule.name, target: target.id, event });
    const settle = () => {
      if (id !== undefined) options.journal?.settle(id);
    };
    const built = inputFor(rule, target, event);
    if (!built.ok) {
      // No input, so nothing to retry or to park: EventBridge drops an event its transformer cannot render.
      stats.failed++;
      options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: false, error: built.error });
      settle();
      return;
    }
    let first: Promise<void> | undefined;
    try {
      first = options.deliver(target.arn, built.input);
    } catch (error) {
      first = Promise.reject(error);
    }
    if (first === undefined) {
      stats.delivered++;
      options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: true });
      settle();
      return;
    }
    const work = deliverWithRetry(rule, target, event, built.input, first);
    track(id === undefined ? work : work.finally(settle), rule.name, event.id);
  };

  const deliverWithRetry = async (
    rule: (typeof rules)[number],
    target: CompiledTarget,
    event: BusEvent,
    input: string,
    first: Promise<void>,
  ) => {
    const retries = Math.min(target.maximumRetryAttempts ?? LOCAL_RETRY_DELAYS_MS.length, LOCAL_RETRY_DELAYS_MS.length);
    for (let attempt = 0; ; attempt++) {
      try {
        await (attempt === 0 ? first : options.deliver(target.arn, input));
        stats.delivered++;
        options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: true });
        return;
      } catch (error) {
        const message = describeError(error);
        if (attempt < retries) {
          await clock.sleep(LOCAL_RETRY_DELAYS_MS[attempt] ?? 30_000);
          continue;
        }
        stats.failed++;
        options.onDelivery?.({ rule: rule.name, target: target.arn, eventId: event.id, ok: false, error: message });
        if (target.deadLetterArn) {
          await Promise.resolve(target.deadLetterArn)
            .then((arn) => options.deliver(arn, input))
            .catch((dlqError: unknown) =>
              options.onDelivery?.({
                rule: rule.name,
                target: target.deadLetterArn ?? 'dead letter',
                eventId: event.id,
                ok: false,
                error: `dead letter failed: ${errorName(dlqError)}`,
              }),
            );
        }
        return;
      }
    }
  };

  /**
   * Routes one event through every enabled rule whose pattern matches; deliveries run in the background. Taps see
   * every event, whether or not any rule can match it. PutEvents's events are not checked again: the API built them
   * from entries it checked (a Detail no deeper than a request body, parsed by the API itself).
   */
  const route = (event: BusEvent, via: Via): number => {
    if (via !== 'PutEvents') checkEvent(event);
    admit(event, via);
    const candidates = isReadOnlyCall(event) ? allManagementEvents : routable;
    let matched = 0;
    for (const rule of candidates) {
      if (!matches(rule.pattern as CompiledPattern, event)) continue;
      matched++;
      for (const target of rule.targets) start(rule, target, event);
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
    admit(event, 'schedule');
    stats.matched++;
    for (const target of rule.targets) start(rule, target, event);
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
      })().catch((error: unknown) =>
        options.onDelivery?.({ rule: rule.name, target: 'schedule', eventId: '', ok: false, error: errorName(error) }),
      );
    }
  };

  const describe = (rule: (typeof rules)[number]) => ({
    Name: rule.name,
    Arn: rule.arn,
    State: rule.state,
    EventBusName: busName,
    ...(rule.eventPattern ? { EventPattern: JSON.stringify(rule.eventPattern) } : {}),
    ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
  });

  const api = createEventsApi({
    now: () => clock.now(),
    put: (event) => route(event, 'PutEvents'),
    rules: () => rules.map(describe),
    targets: (name) => (rules.find((r) => r.name === name)?.targets ?? []).map((t) => ({ Id: t.id, Arn: t.arn })),
  });

  return {
    service: api.service,
    /** PutEvents without the HTTP round trip (Step Functions' events:putEvents integration); taps see `PutEvents`. */
    putEvents: api.putEvents,
    /** Puts an event on the bus as it is, id included (service events, replays); returns how many rules matched. */
    publish: (event: BusEvent): number => route(event, 'publish'),
    /** Calls `tap` with every event put on the bus from now on, however it got there; returns the unsubscribe. */
    tap: (listener: Tap): (() => void) => {
      taps.add(listener);
      return () => {
        taps.delete(listener);
      };
    },
    fireSchedule,
    /** Delivers again what a journal owed when the last run stopped (at-least-once, as EventBridge). */
    redeliver: (owed: readonly (OwedDelivery & { readonly id: string })[]): void => {
      for (const delivery of owed) {
        const rule = rules.find((r) => r.name === delivery.rule);
        const target = rule?.targets.find((t) => t.id === delivery.target);
        if (rule && target) start(rule, target, delivery.event, delivery.id);
        else options.journal?.settle(delivery.id);
      }
    },
    startSchedules,
    stopSchedules: () => {
      scheduling = false;
    },
    rules: () => rules.map(describe),
    stats: () => ({ ...stats }),
    /** The latest events published on the bus (scheduled events included), oldest first. */
    recentEvents: (): readonly BusEvent[] => recent.latest(),
    /** The events put on the bus after the first `count` (`stats().events` then), as far as it still keeps them. */
    eventsSince: (count: number): readonly BusEvent[] => recent.latest(stats.events - count),
    /** Resolves when no delivery is in flight (deliveries started by deliveries included). */
    async whenIdle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};

type EventBus = ReturnType<typeof createEventBus>;

export type { BusEvent, DeliveryJournal, EventBus, OwedDelivery, RuleDefinition, RuleTarget, Tap, Via };
export { checkEvent, createEventBus };

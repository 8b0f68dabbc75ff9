// Several event buses, as an account has them: the default bus (AWS service events, CloudTrail events, schedules) and
// the custom buses the stack declares (AWS::Events::EventBus, e.g. the control plane's `smcp-<stage>`), each with its
// own rules (a rule's EventBusName) and its resource policy (AWS::Events::EventBusPolicy). A layer over bus.ts: each
// bus is one createEventBus; this file routes PutEvents entries to the bus they name, after evaluating that bus's
// policy against the caller (local/iam: the request's access key, or the role a Step Functions task acts as), and
// answers the bus-level API (ListEventBuses, DescribeEventBus, rules by bus). Taps, idleness and the recent-events log
// span every bus.
import { type Caller, callerOf } from '../iam/identity.ts';
import { evaluatePolicy } from '../iam/policy.ts';
import { coralErrors } from '../json-protocol/errors.ts';
import { createReader } from '../json-protocol/reader.ts';
import type { CallContext, JsonService } from '../protocol.ts';
import {
  type BusEvent,
  createEventBus,
  type EventBus,
  type OwedDelivery,
  type RuleDefinition,
  type Tap,
  type Via,
} from './bus.ts';
import { createRecentEvents } from './recent-events.ts';

interface BusDeclaration {
  readonly name: string;
  /** The bus's resource policy: every AWS::Events::EventBusPolicy statement for it. */
  readonly policy?: { readonly Statement: readonly unknown[] };
}

type BusOptions = Parameters<typeof createEventBus>[0];

interface BusesOptions extends Omit<BusOptions, 'name' | 'rules'> {
  readonly rules: readonly RuleDefinition[];
  /** The custom buses (the default bus always exists and has no policy). */
  readonly buses?: readonly BusDeclaration[];
  /**
   * Where `publish(event)` puts an event put there by the local cloud itself (service events, replayed recordings)
   * when no bus is named: where it was first published. Default: the default bus.
   */
  readonly homeOf?: (event: BusEvent) => string;
}

/** PutEvents's context: the caller signs over HTTP (access key) or acts in process as a role (Step Functions). */
interface PutContext {
  readonly region: string;
  readonly account: string;
  readonly accessKeyId?: string | undefined;
  readonly caller?: Caller;
}

const DEFAULT = 'default';
const RECENT_EVENTS = 10_000;
const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/(.+)$/;
const errors = coralErrors();

const createEventBuses = (options: BusesOptions) => {
  const { region, account } = options;
  const declared = [{ name: DEFAULT }, ...(options.buses ?? []).filter((b) => b.name !== DEFAULT)];
  const buses = new Map(
    declared.map((declaration) => [
      declaration.name,
      {
        declaration,
        arn: `arn:aws:events:${region}:${account}:event-bus/${declaration.name}`,
        bus: createEventBus({
          ...options,
          name: declaration.name,
          // The buses keep one log of recent events across them (below), not one more per bus.
          recentEvents: 0,
          rules: options.rules.filter((r) => (r.eventBusName ?? DEFAULT) === declaration.name),
        }),
      },
    ]),
  );
  const unknownBus = options.rules.find((r) => !buses.has(r.eventBusName ?? DEFAULT));
  if (unknownBus)
    throw new Error(
      `Rule ${unknownBus.name} is on event bus ${unknownBus.eventBusName}, which the stack does not declare`,
    );
  const all = () => [...buses.values()];
  const defaultBus = buses.get(DEFAULT)?.bus as EventBus;

  // One log and one count across the buses, in the order events arrived (eventsSince() counts on it).
  let count = 0;
  const recent = createRecentEvents(RECENT_EVENTS);
  const taps = new Set<Tap>();
  for (const { bus } of all()) {
    bus.tap((event, via) => {
      count++;
      recent.add(event);
      for (const tap of taps) tap(event, via);
    });
  }

  /** The bus an entry or request names (a name or an ARN; absent: the default bus). */
  const busNamed = (nameOrArn: unknown) => {
    const name =
      typeof nameOrArn === 'string' && nameOrArn !== '' ? (BUS_ARN.exec(nameOrArn)?.[1] ?? nameOrArn) : DEFAULT;
    return { name, entry: buses.get(name) };
  };

  const refusal = (
    entry: NonNullable<ReturnType<typeof busNamed>['entry']>,
    raw: Record<string, unknown>,
    caller: Caller,
  ) => {
    const decision = evaluatePolicy(entry.declaration.policy, {
      caller,
      action: 'events:PutEvents',
      resource: entry.arn,
      keys: {
        'events:source': typeof raw.Source === 'string' ? raw.Source : undefined,
        'events:detail-type': typeof raw.DetailType === 'string' ? raw.DetailType : undefined,
      },
    });
    return decision.denied
      ? `User: ${caller.arn} is not authorized to perform: events:PutEvents on resource: ${entry.arn} with an explicit deny in a resource-based policy`
      : undefined;
  };

  /**
   * PutEvents as AWS answers it: each entry goes to the bus it names, or fails on its own — ResourceNotFoundException
   * for a bus that does not exist, AccessDeniedException when the bus's policy denies the caller.
   */
  const putEvents = (input: Record<string, unknown>, ctx: PutContext) => {
    const read = createReader(input, errors);
    const entries = read.list('Entries', { min: 1, max: 10 });
    if (entries === undefined) read.stringAt('entries', undefined, { required: true });
    read.done();
    const caller = ctx.caller ?? callerOf(ctx.accessKeyId, account);
    const results = (entries ?? []).map((raw) => {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const { EventBusName, ...rest } = entry;
      const target = busNamed(EventBusName);
      if (!target.entry) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${target.name} does not exist.` };
      }
      const denied = refusal(target.entry, rest, caller);
      if (denied) return { ErrorCode: 'AccessDeniedException', ErrorMessage: denied };
      const out = target.entry.bus.putEvents({ Entries: [rest] }, { region: ctx.region, account: ctx.account });
      return out.Entries[0] ?? { ErrorCode: 'InternalFailure', ErrorMessage: 'The entry was not processed.' };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const rulesOf = (busName: unknown) => {
    const { name, entry } = busNamed(busName);
    if (!entry) throw errors.error('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return entry.bus.rules();
  };

  const ruleIn = (input: Record<string, unknown>, key: string) => {
    const read = createReader(input, errors);
    const name = read.string(key, { required: true, min: 1, max: 64 });
    const bus = read.string('EventBusName', { min: 1, max: 1600 });
    read.done();
    const rule = rulesOf(bus).find((r) => r.Name === name);
    if (!rule)
      throw errors.error(
        'ResourceNotFoundException',
        `Rule ${String(name)} does not exist on EventBus ${bus ?? DEFAULT}.`,
      );
    return { rule, bus };
  };

  const describeBus = (entry: NonNullable<ReturnType<typeof busNamed>['entry']>) => ({
    Name: entry.declaration.name,
    Arn: entry.arn,
    ...(entry.declaration.policy
      ? { Policy: JSON.stringify({ Version: '2012-10-17', ...entry.declaration.policy }) }
      : {}),
  });

  const base = defaultBus.service;
  const service: JsonService = {
    ...base,
    operations: {
      ...base.operations,
      PutEvents: (input, ctx: CallContext) => putEvents(input, ctx),
      ListRules: (input) => {
        const read = createReader(input, errors);
        const bus = read.string('EventBusName', { min: 1, max: 1600 });
        const prefix = read.string('NamePrefix', { min: 1, max: 64 });
        read.integer('Limit', { min: 1, max: 100 });
        read.string('NextToken', { min: 1, max: 2048 });
        read.done();
        return { Rules: rulesOf(bus).filter((r) => prefix === undefined || r.Name.startsWith(prefix)) };
      },
      DescribeRule: (input) => ruleIn(input, 'Name').rule,
      ListTargetsByRule: (input, ctx) => {
        const { rule, bus } = ruleIn(input, 'Rule');
        const owner = busNamed(bus).entry?.bus ?? defaultBus;
        return owner.service.operations.ListTargetsByRule?.({ Rule: rule.Name }, ctx);
      },
      ListEventBuses: (input) => {
        const read = createReader(input, errors);
        const prefix = read.string('NamePrefix', { min: 1, max: 256 });
        read.integer('Limit', { min: 1, max: 100 });
        read.string('NextToken', { min: 1, max: 2048 });
        read.done();
        return {
          EventBuses: all()
            .filter((b) => prefix === undefined || b.declaration.name.startsWith(prefix))
            .map(describeBus),
        };
      },
      DescribeEventBus: (input) => {
        const read = createReader(input, errors);
        const { name, entry } = busNamed(read.string('Name', { min: 1, max: 1600 }));
        read.done();
        if (!entry) throw errors.error('ResourceNotFoundException', `Event bus ${name} does not exist.`);
        return describeBus(entry);
      },
    },
  };

  const sum = (key: keyof ReturnType<EventBus['stats']>) => all().reduce((n, { bus }) => n + bus.stats()[key], 0);

  return {
    service,
    /** PutEvents without the HTTP round trip; `caller` is who puts (default: the access key's caller, or the root). */
    putEvents,
    /**
     * Puts an event on a bus as it is, id included (service events, replays): on `busName`, else where `homeOf`
     * says the event was first published. Returns how many rules matched.
     */
    publish: (event: BusEvent, busName?: string): number => {
      const name = busName ?? options.homeOf?.(event) ?? DEFAULT;
      const entry = buses.get(name);
      if (!entry) throw new Error(`No event bus named ${name}`);
      return entry.bus.publish(event);
    },
    tap: (listener: Tap): (() => void) => {
      taps.add(listener);
      return () => {
        taps.delete(listener);
      };
    },
    fireSchedule: (name: string): BusEvent => defaultBus.fireSchedule(name),
    /** Delivers again what the journal owed when the last run stopped, each on the bus its rule is on. */
    redeliver: (owed: readonly (OwedDelivery & { readonly id: string })[]): void => {
      for (const [name, { bus }] of buses) bus.redeliver(owed.filter((d) => (d.bus ?? DEFAULT) === name));
      // A bus the stack no longer declares: nothing to deliver to; settled (no rule has an empty name).
      const gone = owed.filter((d) => !buses.has(d.bus ?? DEFAULT));
      if (gone.length > 0) defaultBus.redeliver(gone.map((d) => ({ ...d, rule: '' })));
    },
    startSchedules: () => {
      for (const { bus } of all()) bus.startSchedules();
    },
    stopSchedules: () => {
      for (const { bus } of all()) bus.stopSchedules();
    },
    rules: () => all().flatMap(({ bus }) => bus.rules()),
    stats: () => ({ events: count, matched: sum('matched'), delivered: sum('delivered'), failed: sum('failed') }),
    recentEvents: (): readonly BusEvent[] => recent.latest(),
    eventsSince: (since: number): readonly BusEvent[] => recent.latest(count - since),
    /** The buses by name, with their ARN and policy (ListEventBuses). */
    buses: () => all().map(describeBus),
    async whenIdle() {
      // A delivery on one bus may put events on another: wait again until a round changes nothing.
      for (;;) {
        const before = count + sum('delivered') + sum('failed');
        await Promise.all(all().map(({ bus }) => bus.whenIdle()));
        if (count + sum('delivered') + sum('failed') === before) return;
      }
    },
  };
};

type EventBuses = ReturnType<typeof createEventBuses>;

export type { BusDeclaration, EventBuses, PutContext, Via };
export { createEventBuses };

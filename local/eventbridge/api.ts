// EventBridge's API over AWS JSON 1.1 (target prefix AWSEvents): PutEvents, TestEventPattern and the read-only rule
// operations, reading requests with the shared JSON-protocol reader in EventBridge's (Coral's) words.
import { randomUUID } from 'node:crypto';
import { DEFAULT_LIMITS, isObject, nestsDeeperThan, parseJson } from '../json-protocol/body.ts';
import { coralErrors } from '../json-protocol/errors.ts';
import { createReader } from '../json-protocol/reader.ts';
import type { JsonService } from '../protocol.ts';
import { InvalidEventPatternError } from './errors.ts';
import type { EventBridgeEvent } from './event.ts';
import { compilePattern, matches } from './pattern.ts';

interface RuleView {
  readonly Name: string;
  readonly Arn: string;
  readonly State: string;
  readonly EventBusName: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
}

interface ApiOptions {
  readonly now: () => Date;
  /** Puts a built event on the bus (it came in through PutEvents). */
  readonly put: (event: EventBridgeEvent) => void;
  readonly rules: () => readonly RuleView[];
  /** A rule's targets as ListTargetsByRule lists them. */
  readonly targets: (ruleName: string) => readonly { Id: string; Arn: string }[];
}

interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

const errors = coralErrors();
const MAX_ENTRY_BYTES = 256 * 1024;

const eventTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

// What a Date can hold: ±8.64e15 ms around the epoch.
const MAX_EPOCH_SECONDS = 8.64e12;

/**
 * An entry's Time, as the AWS JSON protocol carries timestamps: epoch seconds (the SDKs send a number, fractions
 * allowed); an ISO 8601 string is read too. Anything else is the front end's SerializationException.
 */
const entryTime = (i: number, value: unknown): Date | undefined => {
  if (value === undefined || value === null) return undefined;
  const at =
    typeof value === 'number' && Math.abs(value) <= MAX_EPOCH_SECONDS
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (at === undefined || !Number.isFinite(at.getTime())) {
    throw errors.wrongType(`entries.${i + 1}.member.time`, value, 'a timestamp');
  }
  return at;
};

const createEventsApi = (options: ApiOptions) => {
  /** PutEvents as AWS answers it: each entry succeeds or fails on its own, and only accepted ones reach the bus. */
  const putEvents = (input: Record<string, unknown>, ctx: { region: string; account: string }): PutEventsResult => {
    const read = createReader(input, errors);
    const entries = read.list('Entries', { min: 1, max: 10 });
    if (entries === undefined) read.stringAt('entries', undefined, { required: true });
    read.done();
    const results = (entries ?? []).map((raw, i) => {
      const entry = read.structureAt(`entries.${i + 1}.member`, raw);
      const fail = (code: string, message: string) => ({ ErrorCode: code, ErrorMessage: message });
      if (typeof entry.Source !== 'string' || entry.Source === '')
        return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
      if (typeof entry.DetailType !== 'string' || entry.DetailType === '')
        return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
      if (typeof entry.Detail !== 'string')
        return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
      if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES)
        return fail('InvalidArgument', 'Event size exceeded 256 KB');
      const detail = parseJson(entry.Detail);
      if (!detail.ok || !isObject(detail.value)) return fail('MalformedDetail', 'Detail is malformed.');
      const event: EventBridgeEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: ctx.account,
        time: eventTime(entryTime(i, entry.Time) ?? options.now()),
        region: ctx.region,
        resources: (read.listAt(`entries.${i + 1}.member.resources`, entry.Resources) ?? []).map(
          (r, j) => read.stringAt(`entries.${i + 1}.member.resources.${j + 1}.member`, r) ?? '',
        ),
        detail: detail.value,
      };
      return event;
    });
    // Every entry is read before any reaches the bus: a request that fails to read puts nothing.
    const entriesOut = results.map((r) => {
      if ('ErrorCode' in r) return r;
      options.put(r);
      return { EventId: r.id };
    });
    return { FailedEntryCount: entriesOut.filter((r) => 'ErrorCode' in r).length, Entries: entriesOut };
  };

  const testEventPattern = (input: Record<string, unknown>) => {
    const read = createReader(input, errors);
    const patternText = read.string('EventPattern', { required: true });
    const eventText = read.string('Event', { required: true });
    read.done();
    const event = parseJson(eventText ?? '');
    if (!event.ok || !isObject(event.value)) {
      throw errors.error('InvalidEventPatternException', `Event ${event.ok ? 'is not a JSON object' : event.problem}`);
    }
    // The matcher compiles patterns recursively: refuse a pattern nested too deep before it gets there.
    if (nestsDeeperThan(patternText ?? '', DEFAULT_LIMITS.maxDepth)) {
      throw errors.error(
        'InvalidEventPatternException',
        `Event pattern nests deeper than ${DEFAULT_LIMITS.maxDepth} levels`,
      );
    }
    try {
      return { Result: matches(compilePattern(patternText ?? ''), event.value) };
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw errors.error('InvalidEventPatternException', error.message);
      throw error;
    }
  };

  const findRule = (name: string | undefined) => {
    const rule = options.rules().find((r) => r.Name === name);
    if (!rule) throw errors.error('ResourceNotFoundException', `Rule ${String(name)} does not exist.`);
    return rule;
  };

  const ruleName = (input: Record<string, unknown>, key: string) => {
    const read = createReader(input, errors);
    const name = read.string(key, { required: true, min: 1, max: 64 });
    read.done();
    return name;
  };

  const service: JsonService = {
    targetPrefix: 'AWSEvents',
    signingName: 'events',
    contentType: 'application/x-amz-json-1.1',
    errors,
    operations: {
      PutEvents: putEvents,
      TestEventPattern: testEventPattern,
      ListRules: () => ({ Rules: options.rules() }),
      DescribeRule: (input) => findRule(ruleName(input, 'Name')),
      ListTargetsByRule: (input) => ({ Targets: options.targets(findRule(ruleName(input, 'Rule')).Name) }),
    },
  };

  return { service, putEvents };
};

export type { PutEventsResult, RuleView };
export { createEventsApi };

import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { type BusEvent, createEventBus, type RuleDefinition } from '../../local/eventbridge/bus.ts';
import { transformInput } from '../../local/eventbridge/input-transformer.ts';
import { parseSchedule } from '../../local/eventbridge/schedule.ts';

const event = (overrides: Partial<BusEvent> = {}): BusEvent => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '000000000000',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventName: 'GetSecretValue', eventType: 'AwsApiCall', readOnly: true },
  ...overrides,
});

const setup = (rules: RuleDefinition[], fail = 0) => {
  const clock = createManualClock('2026-01-05T09:00:00Z');
  const delivered: { arn: string; input: string }[] = [];
  let failures = fail;
  const bus = createEventBus({
    clock,
    region: 'us-east-1',
    account: '000000000000',
    rules,
    deliver: async (arn, input) => {
      if (failures-- > 0 && !arn.includes('dead')) throw new Error('target down');
      delivered.push({ arn, input });
    },
  });
  return { bus, clock, delivered };
};

const readsRule = (state: string): RuleDefinition => ({
  name: `reads-${state}`,
  state,
  eventPattern: { source: ['aws.secretsmanager'], detail: { eventName: ['GetSecretValue'] } },
  targets: [{ id: 'q', arn: `arn:aws:sqs:us-east-1:000000000000:${state}` }],
});

describe('local event bus', () => {
  it('delivers read-only CloudTrail events only to rules that opted in to all management events', async () => {
    const { bus, delivered } = setup([
      readsRule('ENABLED'),
      readsRule('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
    ]);

    const matched = bus.publish(event());
    await bus.whenIdle();

    expect(matched).toBe(1);
    expect(delivered.map((d) => d.arn)).toEqual([
      'arn:aws:sqs:us-east-1:000000000000:ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    ]);
  });

  it('hands every read-only CloudTrail event to the taps while no rule can match it, and routes the rest', async () => {
    const { bus, delivered } = setup([readsRule('ENABLED'), { ...readsRule('DISABLED'), name: 'off' }]);
    const tapped: string[] = [];
    bus.tap((e) => tapped.push(e.id));
    const write = event({
      id: 'e-write',
      detail: { eventName: 'GetSecretValue', eventType: 'AwsApiCall', readOnly: false },
    });

    const matched = [bus.publish(event({ id: 'e-read' })), bus.publish(write)];
    await bus.whenIdle();

    expect(matched).toEqual([0, 1]);
    expect(tapped).toEqual(['e-read', 'e-write']);
    expect(delivered.map((d) => JSON.parse(d.input).id)).toEqual(['e-write']);
    expect(bus.stats()).toMatchObject({ events: 2, matched: 1 });
  });

  it('refuses an event nested too deep however its objects are shared, and takes a wide one', () => {
    const { bus } = setup([]);
    // 2^90 paths through 90 shared levels: walked path by path, this would never end.
    let shared: unknown = {};
    for (let i = 0; i < 90; i++) shared = [shared, shared];
    let deeper: unknown = shared;
    for (let i = 0; i < 20; i++) deeper = [deeper, deeper];
    const wide = Array.from({ length: 20_000 }, (_, i) => ({ i }));

    expect(bus.publish(event({ id: 'shared', detail: { shared } }))).toBe(0);
    expect(() => bus.publish(event({ id: 'deeper', detail: { deeper } }))).toThrow(
      "An event's detail may nest at most 100 levels",
    );
    expect(bus.publish(event({ id: 'wide', detail: { wide } }))).toBe(0);
    expect(bus.stats().events).toBe(2);
  });

  it('routes a PutEvents entry whose Detail nests as deep as a request body may', async () => {
    const { bus, delivered } = setup([{ ...readsRule('ENABLED'), eventPattern: { source: ['smcp'] } }]);
    const detail = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;

    const out = bus.putEvents(
      { Entries: [{ Source: 'smcp', DetailType: 'Deep', Detail: detail }] },
      { region: 'us-east-1', account: '000000000000' },
    );
    await bus.whenIdle();

    expect(out.FailedEntryCount).toBe(0);
    expect(delivered).toHaveLength(1);
  });

  it('wraps the event with the rule name through the input transformer', async () => {
    const { bus, delivered } = setup([
      {
        ...readsRule('ENABLED'),
        eventPattern: { source: ['smcp'] },
        targets: [
          {
            id: 'd',
            arn: 'arn:aws:lambda:us-east-1:000000000000:function:d',
            inputTransformer: { InputTemplate: '{"rule":"r1","event":<aws.events.event.json>}' },
          },
        ],
      },
    ]);
    const e = event({ source: 'smcp', 'detail-type': 'Rotation Requested', detail: { secretId: 's' } });

    bus.publish(e);
    await bus.whenIdle();

    expect(JSON.parse(delivered[0]?.input ?? '')).toEqual({ rule: 'r1', event: e });
  });

  it('retries a failing target on the clock, then parks the input in its dead-letter queue', async () => {
    const { bus, clock, delivered } = setup(
      [
        {
          ...readsRule('ENABLED'),
          eventPattern: { source: ['smcp'] },
          targets: [
            {
              id: 't',
              arn: 'arn:aws:lambda:us-east-1:000000000000:function:t',
              deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dead',
              maximumRetryAttempts: 2,
            },
          ],
        },
      ],
      10,
    );

    bus.publish(event({ source: 'smcp', detail: {} }));
    await clock.advance(60_000);
    await bus.whenIdle();

    expect(delivered.map((d) => d.arn)).toEqual(['arn:aws:sqs:us-east-1:000000000000:dead']);
    expect(bus.stats()).toMatchObject({ delivered: 0, failed: 1 });
  });

  it('fires schedules when the clock reaches them, with the rule ARN in resources', async () => {
    const { bus, clock, delivered } = setup([
      {
        name: 'scan',
        state: 'ENABLED',
        scheduleExpression: 'rate(6 hours)',
        targets: [{ id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:t' }],
      },
    ]);
    bus.startSchedules();

    await clock.advance(6 * 3_600_000 - 1);
    const before = delivered.length;
    await clock.advance(1);
    await bus.whenIdle();
    bus.stopSchedules();

    expect(before).toBe(0);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]?.input ?? '')).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/scan'],
    });
  });
});

describe('schedule expressions', () => {
  it('finds the next firing of a daily cron in UTC', () => {
    const next = parseSchedule('cron(0 3 * * ? *)').next(new Date('2026-01-05T09:00:00Z'));

    expect(next.toISOString()).toBe('2026-01-06T03:00:00.000Z');
  });

  it('understands weekday names and steps', () => {
    const schedule = parseSchedule('cron(*/15 9-17 ? * MON-FRI *)');

    expect(schedule.next(new Date('2026-01-09T17:50:00Z')).toISOString()).toBe('2026-01-12T09:00:00.000Z');
  });

  it('rejects what it cannot run with a clear reason', () => {
    expect(() => parseSchedule('every day')).toThrow('neither rate(...) nor cron(...)');
    expect(() => parseSchedule('cron(0 3 * *)')).toThrow('cron needs 6 fields');
    expect(() => parseSchedule('cron(0 3 L * ? *)')).toThrow('not supported locally');
  });
});

describe('input transformer', () => {
  it('inserts paths as JSON values and predefined variables inside strings as text', () => {
    const out = transformInput(
      {
        InputPathsMap: { secret: '$.detail.secretId', count: '$.detail.n' },
        InputTemplate: '{"s":"<secret>","n":<count>,"rule":"<aws.events.rule-name>"}',
      },
      { event: { detail: { secretId: 'db/main', n: 3 } }, ruleName: 'r', ruleArn: 'arn', ingestionTime: 't' },
    );

    expect(JSON.parse(out)).toEqual({ s: 'db/main', n: 3, rule: 'r' });
  });
});

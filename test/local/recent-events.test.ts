// The buses' log of recent events (local/eventbridge/recent-events.ts): a read's CloudTrail event is kept as text
// outside the heap and given back equal; every other event is kept as it came; the log keeps the latest, in order.
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '../../local/eventbridge/event.ts';
import { createRecentEvents, detailText } from '../../local/eventbridge/recent-events.ts';

const read = (n: number, pad = 0): EventBridgeEvent => ({
  version: '0',
  id: `read-${n}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '000000000000',
  time: '2026-01-07T10:58:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventType: 'AwsApiCall',
    readOnly: true,
    eventName: 'GetSecretValue',
    requestParameters: { secretId: `app/db-${n}`, note: 'é'.repeat(pad) },
  },
});
const write = (n: number): EventBridgeEvent => ({
  ...read(n),
  id: `write-${n}`,
  detail: { eventType: 'AwsApiCall', readOnly: false, eventName: 'PutSecretValue' },
});

describe('recent events', () => {
  it('gives back reads equal and other events as they came, oldest first', () => {
    const log = createRecentEvents(10);
    const events = [read(1), write(2), read(3)];
    for (const event of events) log.add(event);

    const latest = log.latest();
    expect(latest).toEqual(events);
    expect(latest[1]).toBe(events[1]);
    expect(log.latest(2).map((e) => e.id)).toEqual(['write-2', 'read-3']);
    expect(log.latest(0)).toEqual([]);
  });

  it('keeps the latest `limit` events', () => {
    const log = createRecentEvents(5);
    for (let n = 0; n < 23; n++) log.add(n % 4 === 0 ? write(n) : read(n));

    expect(log.latest().map((e) => e.id)).toEqual(['read-18', 'read-19', 'write-20', 'read-21', 'read-22']);
    expect(log.latest(100)).toHaveLength(5);
  });

  it('keeps nothing with a limit of 0 (a bus whose buses keep the log)', () => {
    const log = createRecentEvents(0);
    for (let n = 0; n < 5; n++) log.add(n % 2 === 0 ? write(n) : read(n));

    expect(log.latest()).toEqual([]);
    expect(log.latest(5)).toEqual([]);
  });

  it('no longer gives back reads whose text the ring wrote over, and keeps the others whole', () => {
    // One chunk of 1 MiB; each read's text about 100 KB (multi-byte characters included).
    const log = createRecentEvents(100, 1);
    for (let n = 0; n < 30; n++) log.add(n === 25 ? write(n) : read(n, 50_000));

    const kept = log.latest();
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(20);
    expect(kept.at(-1)).toEqual(read(29, 50_000));
    expect(kept.map((e) => e.id)).toContain('write-25');
    for (const event of kept)
      if (event.id.startsWith('read-')) expect(event).toEqual(read(Number(event.id.slice(5)), 50_000));
  });

  it('keeps a read too long for the ring as text, and one JSON cannot hold as it came', () => {
    const log = createRecentEvents(10, 1);
    const long = read(1, 600_000);
    const cyclic = read(2);
    (cyclic.detail as Record<string, unknown>).self = cyclic.detail;
    log.add(long);
    log.add(cyclic);

    const [first, second] = log.latest();
    expect(first).toEqual(long);
    expect(second).toBe(cyclic);
  });

  it('serialises a detail once for the logs and the trail that want it in a row', () => {
    const detail = { readOnly: true, eventName: 'GetSecretValue' };
    const text = detailText(detail);
    expect(detailText(detail)).toBe(text);
    expect(JSON.parse(text)).toEqual(detail);
    expect(detailText({ ...detail, eventName: 'DescribeSecret' })).toContain('DescribeSecret');
  });
});

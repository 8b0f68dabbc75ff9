// The bus's log of its latest events: read-only CloudTrail management events kept apart and fewer, the order of
// arrival kept across both, and `since` answering what came after a count.
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { EventLog, KEPT_EVENTS, KEPT_READ_EVENTS } from '../../local/eventbridge/event-log.ts';

const event = (name: string, readOnly: boolean): BusEvent =>
  ({
    version: '0',
    id: name,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: '000000000000',
    time: '2026-01-05T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventType: 'AwsApiCall', readOnly, eventName: readOnly ? 'GetSecretValue' : 'PutSecretValue' },
  }) as BusEvent;

describe('event log', () => {
  it('keeps the order events arrived in, reads and writes interleaved', () => {
    const log = new EventLog();
    for (const [name, readOnly] of [
      ['w1', false],
      ['r1', true],
      ['w2', false],
      ['r2', true],
      ['r3', true],
    ] as const)
      log.add(event(name, readOnly));

    expect(log.count).toBe(5);
    expect(log.recent().map((e) => e.id)).toEqual(['w1', 'r1', 'w2', 'r2', 'r3']);
    expect(log.since(2).map((e) => e.id)).toEqual(['w2', 'r2', 'r3']);
    expect(log.since(5)).toEqual([]);
  });

  it('keeps fewer read-only events, so a flood of reads pushes no other event out', () => {
    const log = new EventLog();
    log.add(event('write-before', false));
    for (let i = 0; i < 5 * KEPT_EVENTS; i++) log.add(event(`r${i}`, true));
    log.add(event('write-after', false));

    const kept = log.recent();
    expect(kept[0]?.id).toBe('write-before');
    expect(kept.at(-1)?.id).toBe('write-after');
    const reads = kept.filter((e) => e.id.startsWith('r'));
    expect(reads.length).toBeGreaterThanOrEqual(KEPT_READ_EVENTS);
    expect(reads.length).toBeLessThan(2 * KEPT_READ_EVENTS);
    expect(reads.at(-1)?.id).toBe(`r${5 * KEPT_EVENTS - 1}`);
  });

  it('answers at most the kept number of other events, the latest', () => {
    const log = new EventLog();
    for (let i = 0; i < 3 * KEPT_EVENTS; i++) log.add(event(`w${i}`, false));
    const kept = log.since(0);
    expect(kept).toHaveLength(KEPT_EVENTS);
    expect(kept.at(-1)?.id).toBe(`w${3 * KEPT_EVENTS - 1}`);
  });
});

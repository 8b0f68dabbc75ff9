// detect-spikes after an outage of its own, end to end on the local cloud: the deployed function (real SDK over HTTP
// to the local S3 and bus) invoked as its schedule would, three hours after the last run that saved the detectors.
// The reads of those hours are in the counters; the first run back feeds them as reads, so a burst in the outage
// alerts, instead of being fed as silence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { detectorStore, MINUTE, seedDetector, writeCounts } from './support.ts';

const START = Date.parse('2026-01-07T10:00:00Z');
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:outage/db-AbCdEf';
// The local stage closes a minute 120 s after it ends.
const CLOSE_AFTER = 2 * MINUTE;
let t: TestCloud;
const spikes: BusEvent[] = [];
/** detect-spikes' log lines, parsed. */
const logged: Record<string, unknown>[] = [];

/** detect-spikes as its schedule invokes it, for the minute `at`. */
const runAt = (at: number) =>
  t.cloud.lambda.invoke(functionNamed(t.cloud.stack, 'detect-spikes'), {
    version: '0',
    id: `run-${at}`,
    source: 'aws.events',
    account: '000000000000',
    time: new Date(at).toISOString(),
    region: 'us-east-1',
    resources: [],
    'detail-type': 'Scheduled Event',
    detail: {},
  });

beforeAll(async () => {
  t = await startTestCloud({
    start: new Date(START).toISOString(),
    functionLogs: {
      onLine: (functionName, line) => {
        if (functionName === functionNamed(t.cloud.stack, 'detect-spikes')) logged.push(JSON.parse(line));
      },
    },
  });
  t.cloud.bus.tap((event) => {
    if (event['detail-type'] === 'Read Spike Detected') spikes.push(event);
  });
});
afterAll(async () => t?.cloud.stop());

describe('detect-spikes after an outage', () => {
  it('feeds three hours of reads it missed as reads, and alerts once on the burst among them', async () => {
    // Three days of ~5 reads a minute, saved by the last run that worked (through the minute before START).
    await seedDetector(t, ARN, START, () => 5);
    const burst = START + 60 * MINUTE;
    const minutes = Array.from({ length: 180 }, (_, i) => START + i * MINUTE);
    await writeCounts(
      t,
      ARN,
      minutes.map((minute) => ({
        minute,
        principals: minute === burst ? ({ app: 5, intruder: 100 } as Record<string, number>) : { app: 5 },
      })),
    );
    const lastClosed = START + 179 * MINUTE;

    await runAt(lastClosed + MINUTE + CLOSE_AFTER);
    await t.cloud.whenIdle();

    expect(spikes.map((e) => e.detail)).toEqual([
      expect.objectContaining({ secretId: ARN, windowStart: new Date(burst).toISOString(), observed: 105 }),
    ]);
    const snapshot = await detectorStore(t).load();
    expect(snapshot.through).toBe(lastClosed);
    expect(snapshot.detectors.get(ARN)?.last).toBe(lastClosed);
    expect(logged).toContainEqual(
      expect.objectContaining({
        message: 'Looking back to the last saved run',
        from: new Date(START).toISOString(),
        minutes: 180,
      }),
    );
    // No field of the read counts' principals leaks into the log: the line names the span, nothing read.
    expect(JSON.stringify(logged)).not.toContain('intruder');
  });
});

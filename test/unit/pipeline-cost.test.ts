// The ingest benchmark's cost model (scripts/bench/pipeline-cost.ts) on traces small enough to count by hand.
import { describe, expect, it } from 'vitest';
import { type PipelineInput, simulatePipeline } from '../../scripts/bench/pipeline-cost.ts';

const START = Date.parse('2026-01-07T10:00:00Z');
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf';

const input = (reads: PipelineInput['reads'], overrides: Partial<PipelineInput> = {}): PipelineInput => ({
  reads,
  arnOf: () => ARN,
  sourceIp: '10.0.3.21',
  userAgent: 'app/1',
  region: 'us-east-1',
  gzippedRecordBytes: 120,
  ingestMemoryMb: 256,
  detectMemoryMb: 256,
  cpuMsPerRecord: 0.01,
  detectorMsPerBucket: 0.005,
  detectorStateBytes: 680,
  detectorObjectMsPerByte: 0.00001,
  readObjectGzipRatio: 0.2,
  ...overrides,
});

const readsIn = (count: number, principal = 'arn:aws:iam::123456789012:user/app|AKIA1') =>
  Array.from({ length: count }, (_, i) => ({ secret: 0, principal, time: START + i * 100 }));

describe('pipeline cost model', () => {
  it('counts requests per log file, not per read: three SQS requests, one event, the file’s PUT and GET', () => {
    // 20 reads 100 ms apart: one 5-minute delivery interval, one file, one hour: one read object.
    const one = simulatePipeline(input(readsIn(20)));
    expect(one.files).toBe(1);
    expect(one.readObjects).toBe(1);
    expect(one.perMillionReads.sqsRequests).toBe((3 / 20) * 1_000_000);
    // 4,000 reads over 400 s cross a 5-minute boundary: two files, whatever the number of reads in each.
    const two = simulatePipeline(input(readsIn(4000)));
    expect(two.files).toBe(2);
    expect(two.perMillionReads.sqsRequests).toBe((6 / 4000) * 1_000_000);
    expect(two.perMillionReads.dollars.eventBridge).toBeCloseTo((2 / 4000) * 1.0, 6);
  });

  it('writes one read object per file and hour its reads fall in, sized by secrets, minutes and principals', () => {
    // Reads from 10:58 to 11:03: the 10:55 file and the 11:00 file, one object each.
    const late = readsIn(3000).map((r) => ({ ...r, time: r.time + 58 * 60_000 }));
    const cost = simulatePipeline(input(late));
    expect(cost.files).toBe(2);
    expect(cost.readObjects).toBe(2);
    // More principals in a minute make a bigger object; the number of reads alone does not.
    const few = simulatePipeline(input(readsIn(100)));
    const many = simulatePipeline(input(readsIn(100).map((r, i) => ({ ...r, principal: `p${i}` }))));
    expect(many.meanReadObjectBytes).toBeGreaterThan(few.meanReadObjectBytes);
    expect(simulatePipeline(input(readsIn(600))).meanReadObjectBytes).toBe(few.meanReadObjectBytes);
  });

  it('feeds a detector once per minute with reads, and saves the one detectors object only in runs that fed', () => {
    // One read at 10:00 and one at 10:05: six minutes of trace, two minutes with reads.
    const reads = [
      { secret: 0, principal: 'p', time: START },
      { secret: 0, principal: 'p', time: START + 5 * 60_000 },
    ];

    const cost = simulatePipeline(input(reads));

    expect(cost.detectRuns).toBe(6);
    expect(cost.detectUpdates).toBe(2);
    expect(cost.detectObjectSaves).toBe(2);
    // The look-back (10 minutes) covers the whole six-minute cycle: the secret is looked at in every run.
    expect(cost.detectMeanLoadsPerRun).toBe(1);
  });

  it('prices what it counts against Secrets Manager’s $5 per million reads', () => {
    const cost = simulatePipeline(input(readsIn(1000)));

    expect(cost.perMillionReads.secretsManagerDollars).toBe(5);
    expect(cost.ratioToSecretsManager).toBeCloseTo(cost.perMillionReads.totalDollars / 5, 3);
    expect(cost.perMillionReads.dollars.sqs).toBeCloseTo((cost.perMillionReads.sqsRequests / 1e6) * 0.4, 4);
    expect(Object.keys(cost.perMillionReads.dollars).some((k) => k.startsWith('dynamo'))).toBe(false);
  });
});

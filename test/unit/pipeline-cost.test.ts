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
  ...overrides,
});

const readsIn = (count: number, principal = 'arn:aws:iam::123456789012:user/app|AKIA1') =>
  Array.from({ length: count }, (_, i) => ({ secret: 0, principal, time: START + i * 100 }));

describe('pipeline cost model', () => {
  it('counts requests per log file, not per read: three SQS requests, a PUT and a GET in S3, one event', () => {
    // 20 reads 100 ms apart: one 5-minute delivery interval, one file.
    const one = simulatePipeline(input(readsIn(20)));
    expect(one.files).toBe(1);
    expect(one.perMillionReads.sqsRequests).toBe((3 / 20) * 1_000_000);
    // 4,000 reads over 400 s cross a 5-minute boundary: two files, whatever the number of reads in each.
    const two = simulatePipeline(input(readsIn(4000)));
    expect(two.files).toBe(2);
    expect(two.perMillionReads.sqsRequests).toBe((6 / 4000) * 1_000_000);
    expect(two.perMillionReads.dollars.eventBridge).toBeCloseTo((2 / 4000) * 1.0, 6);
  });

  it('bills a bucket write by the item’s size after the update: it grows with its dedup ids', () => {
    const small = simulatePipeline(input(readsIn(5)));
    const hot = simulatePipeline(input(readsIn(2000)));

    // One bucket write and one active-secrets write; 5 reads fit in a KB each.
    expect(small.ingestWrites).toBe(2);
    expect(small.ingestWrus).toBe(2);
    // 2,000 ids of 16 bytes: over 31 KB in the one bucket item.
    expect(hot.ingestWrus).toBeGreaterThanOrEqual(32);
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
    // No DynamoDB write for detectors at all.
    expect(cost.perMillionReads.dynamoWrusDetect).toBe(0);
    // The look-back (10 minutes) covers the whole six-minute cycle: the secret is looked at in every run.
    expect(cost.detectMeanLoadsPerRun).toBe(1);
  });

  it('prices what it counts against Secrets Manager’s $5 per million reads', () => {
    const cost = simulatePipeline(input(readsIn(1000)));

    expect(cost.perMillionReads.secretsManagerDollars).toBe(5);
    expect(cost.ratioToSecretsManager).toBeCloseTo(cost.perMillionReads.totalDollars / 5, 3);
    expect(cost.perMillionReads.dollars.sqs).toBeCloseTo((cost.perMillionReads.sqsRequests / 1e6) * 0.4, 4);
  });
});

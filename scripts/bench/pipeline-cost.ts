// What the read pipeline costs in AWS per read, for `npm run bench -- ingest`: the SQS requests, Lambda GB-seconds and
// DynamoDB request units a trace of reads causes, simulated request by request the way the code issues them
// (ingest-reads: one consistent GetItem and one UpdateItem per (secret, minute) bucket per batch, one UpdateItem per
// minute's active-secrets item; detect-spikes: every minute, one BatchGetItem of its look-back, and for each secret
// read in the look-back one GetItem, one Query and one PutItem), priced at the published on-demand rates below. These
// are estimates: the prices are list prices without free tiers or volume tiers, and Lambda's duration is modelled
// from the CPU time measured here and an assumed DynamoDB latency, not measured in AWS.
import { minuteOf } from '../../functions/reads/domain/aggregate.ts';

/**
 * Published us-east-1 list prices, as of 2026-12-01 (on-demand, no free tier, first volume tier):
 * - Secrets Manager: https://aws.amazon.com/secrets-manager/pricing/ ($0.05 per 10,000 API calls)
 * - SQS standard queues: https://aws.amazon.com/sqs/pricing/ ($0.40 per million requests; each 64 KB chunk of a
 *   request's payload is billed as one request)
 * - Lambda, Arm: https://aws.amazon.com/lambda/pricing/ ($0.0000133334 per GB-second, first 7.5 billion GB-s a month;
 *   $0.20 per million requests)
 * - DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write request units,
 *   $0.125 per million read request units, since the 2024-11-01 price cut; $0.25 per GB-month of standard storage)
 * EventBridge delivers AWS service events (CloudTrail's included) at no charge and CloudTrail's first copy of
 * management events is free, so neither appears below.
 */
const PRICES = {
  asOf: '2026-12-01',
  secretsManagerPer10kCalls: 0.05,
  sqsPerMillionRequests: 0.4,
  sqsChunkBytes: 64 * 1024,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWrus: 0.625,
  dynamoPerMillionRrus: 0.125,
  dynamoPerGbMonth: 0.25,
} as const;

/** What the model assumes rather than measures. */
const ASSUMPTIONS = {
  /** One DynamoDB request's round trip from Lambda in the same region ("single-digit milliseconds"). */
  dynamoLatencyMs: 5,
  /** The SDK's default socket pool (Node's http handler: 50): ingest's parallel bucket writes go 50 at a time. */
  sdkConcurrency: 50,
  /** Lambda gives a function one full vCPU at 1,769 MB and a proportional share below (AWS Lambda docs). */
  fullVcpuMemoryMb: 1769,
  /** The Lambda SQS event source mapping receives and deletes up to 10 messages per request. */
  messagesPerReceive: 10,
  /** detect-spikes looks back this many closed minutes for secrets to update (its default). */
  detectLookbackMinutes: 10,
  /** Counters are kept 8 days (their TTL). */
  retentionDays: 8,
} as const;

interface TraceRead {
  readonly secret: number;
  /** The principal key as ingest-reads stores it (`<ARN>|<access key>`). */
  readonly principal: string;
  readonly time: number;
}

interface PipelineInput {
  readonly reads: readonly TraceRead[];
  readonly arnOf: (secret: number) => string;
  readonly messageBytes: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly payloadBytes: number;
  /** Lambda memory of ingest-reads and detect-spikes (serverless.yml, as resolved). */
  readonly ingestMemoryMb: number;
  readonly detectMemoryMb: number;
  /** Measured on this machine, one core: parse + aggregate per record, and the detector per bucket. */
  readonly cpuMsPerRecord: number;
  readonly detectorMsPerBucket: number;
  /** A mature detector state's JSON, measured. */
  readonly detectorStateBytes: number;
}

// DynamoDB item sizes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
// an attribute is its name's UTF-8 bytes plus its value's; a string its UTF-8 bytes; a number about one byte per two
// significant digits plus one; a set the sum of its elements.
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
const numberBytes = (value: number) => Math.ceil(String(Math.abs(value)).replace(/^0+|\.|0+$/g, '').length / 2) + 1;
const EXPIRES_AT = utf8('expiresAt') + numberBytes(1_767_225_600);
const DEDUP_ID_BYTES = 16;
const MAX_IDS = 16_000;

interface Bucket {
  reads: number;
  version: number;
  readonly principals: Map<string, number>;
}

/** A counter bucket item as ingest-reads writes it (keys.ts), in bytes. */
const bucketItemBytes = (arn: string, b: Bucket, fixedSets: number): number => {
  let bytes = utf8('pk') + utf8(`S#${arn}`) + utf8('sk') + utf8('M#2026-01-07T00:00:00.000Z');
  bytes += utf8('v') + numberBytes(b.version) + EXPIRES_AT + utf8('n') + numberBytes(b.reads);
  if (b.reads <= MAX_IDS) bytes += utf8('ids') + b.reads * DEDUP_ID_BYTES;
  bytes += utf8('pl');
  for (const [principal, count] of b.principals) bytes += 2 * utf8(principal) + utf8('p:') + numberBytes(count);
  return bytes + fixedSets;
};

const perMillion = (value: number, reads: number) => (value / reads) * 1_000_000;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

const simulatePipeline = (input: PipelineInput) => {
  const { reads } = input;
  const maxRecords = Math.min(input.batchSize, Math.floor(input.payloadBytes / (input.messageBytes + 600)));
  // The source IP, user agent and region sets: one value each in these traces.
  const fixedSets =
    utf8('ips') + utf8(input.sourceIp) + utf8('uas') + utf8(input.userAgent) + utf8('regions') + utf8(input.region);
  const buckets = new Map<string, Bucket>();
  const active = new Map<number, Set<number>>();
  const activeBytes = (minute: number) =>
    utf8('pk') +
    utf8(`A#${new Date(minute).toISOString()}`) +
    utf8('sk') +
    utf8('A') +
    EXPIRES_AT +
    utf8('secrets') +
    [...(active.get(minute) ?? [])].reduce((a, s) => a + utf8(input.arnOf(s)), 0);
  const cpuScale = (memoryMb: number) => Math.max(1, ASSUMPTIONS.fullVcpuMemoryMb / memoryMb);
  const L = ASSUMPTIONS.dynamoLatencyMs;

  const ingest = {
    batches: 0,
    records: 0,
    writes: 0,
    bucketWrites: 0,
    wrus: 0,
    activeWrus: 0,
    maxActiveItemBytes: 0,
    rrus: 0,
    billedMs: 0,
    sqsRequests: 0,
  };
  let i = 0;
  while (i < reads.length) {
    const opened = reads[i]?.time ?? 0;
    const inBatch = new Map<string, { secret: number; minute: number; reads: TraceRead[] }>();
    let n = 0;
    for (; i < reads.length && n < maxRecords && (reads[i]?.time ?? 0) - opened < input.batchWindowMs; i++, n++) {
      const r = reads[i];
      if (!r) break;
      const minute = minuteOf(r.time);
      const key = `${r.secret} ${minute}`;
      const entry = inBatch.get(key) ?? { secret: r.secret, minute, reads: [] };
      entry.reads.push(r);
      inBatch.set(key, entry);
    }
    ingest.batches++;
    ingest.records += n;
    // SQS: EventBridge's SendMessage per event (one chunk each), the mapping's ReceiveMessage per ten messages (ten
    // trimmed records stay inside one 64 KB chunk) and a DeleteMessageBatch per ten (receipt handles only).
    const receives = Math.ceil(n / ASSUMPTIONS.messagesPerReceive);
    const chunksPerReceive = Math.ceil((ASSUMPTIONS.messagesPerReceive * input.messageBytes) / PRICES.sqsChunkBytes);
    ingest.sqsRequests +=
      n * Math.ceil(input.messageBytes / PRICES.sqsChunkBytes) + receives * chunksPerReceive + receives;
    const minutes = new Set<number>();
    for (const [key, { secret, minute, reads: fresh }] of inBatch) {
      const arn = input.arnOf(secret);
      const bucket = buckets.get(key) ?? { reads: 0, version: 0, principals: new Map<string, number>() };
      // The consistent GetItem before the write reads the whole item (a missing one still costs one unit).
      const before = bucket.version === 0 ? 0 : bucketItemBytes(arn, bucket, fixedSets);
      ingest.rrus += Math.max(1, Math.ceil(before / 4096));
      bucket.reads += fresh.length;
      bucket.version++;
      for (const r of fresh) bucket.principals.set(r.principal, (bucket.principals.get(r.principal) ?? 0) + 1);
      buckets.set(key, bucket);
      // An update is billed by the larger of the item before and after: after, since it only grows.
      ingest.wrus += Math.ceil(bucketItemBytes(arn, bucket, fixedSets) / 1024);
      ingest.writes++;
      ingest.bucketWrites++;
      const secrets = active.get(minute) ?? new Set<number>();
      secrets.add(secret);
      active.set(minute, secrets);
      minutes.add(minute);
    }
    for (const minute of minutes) {
      const bytes = activeBytes(minute);
      ingest.wrus += Math.ceil(bytes / 1024);
      ingest.activeWrus += Math.ceil(bytes / 1024);
      ingest.maxActiveItemBytes = Math.max(ingest.maxActiveItemBytes, bytes);
      ingest.writes++;
    }
    const cpuMs = n * input.cpuMsPerRecord * cpuScale(input.ingestMemoryMb);
    // Buckets in parallel, 50 at a time, each a GetItem then an UpdateItem; then the active-secrets writes at once.
    const ioMs = Math.ceil(inBatch.size / ASSUMPTIONS.sdkConcurrency) * 2 * L + L;
    ingest.billedMs += Math.ceil(cpuMs + ioMs);
  }

  // detect-spikes, every minute, over the trace taken as a steady state that repeats: two rounds are run and the
  // second is counted, so the look-back at its start sees the end of the first. Each run loads every secret read in
  // its 10-minute look-back (a consistent GetItem), and feeds and saves (a Query, a PutItem) those read since the
  // minute their detector was last fed through.
  const traceMinutes = [...new Set(reads.map((r) => minuteOf(r.time)))].sort((a, b) => a - b);
  const first = traceMinutes[0] ?? 0;
  const span = Math.max(1, ((traceMinutes.at(-1) ?? first) - first) / 60_000 + 1);
  const minuteAt = (run: number) => first + (((run % span) + span) % span) * 60_000;
  const stateItemBytes = utf8('pk') + 100 + utf8('state') + input.detectorStateBytes + utf8('last') + 8;
  const detect = { runs: span, loads: 0, updates: 0, wrus: 0, rrus: 0, billedMs: 0 };
  const fedThrough = new Map<number, number>();
  for (let run = 0; run < 2 * span; run++) {
    const counted = run >= span;
    const lastRead = new Map<number, number>();
    let rrus = 0;
    for (let k = ASSUMPTIONS.detectLookbackMinutes - 1; k >= 0; k--) {
      const minute = minuteAt(run - k);
      for (const s of active.get(minute) ?? []) lastRead.set(s, run - k);
      rrus += 0.5 * Math.max(1, Math.ceil(activeBytes(minute) / 4096));
    }
    let updates = 0;
    let fedBuckets = 0;
    for (const [s, last] of lastRead) {
      const fed = fedThrough.get(s);
      rrus += Math.ceil(stateItemBytes / 4096);
      if (fed !== undefined && fed >= last) continue;
      const from = fed === undefined ? last : fed + 1;
      let bytes = 0;
      for (let m = from; m <= run; m++) {
        const bucket = buckets.get(`${s} ${minuteAt(m)}`);
        if (bucket) bytes += bucketItemBytes(input.arnOf(s), bucket, fixedSets);
      }
      rrus += 0.5 * Math.max(1, Math.ceil(bytes / 4096));
      fedBuckets += Math.min(run - from + 1, 24 * 60);
      fedThrough.set(s, run);
      updates++;
    }
    if (!counted) continue;
    detect.loads += lastRead.size;
    detect.updates += updates;
    detect.rrus += rrus;
    detect.wrus += updates * Math.ceil(stateItemBytes / 1024);
    const cpuMs = fedBuckets * input.detectorMsPerBucket * cpuScale(input.detectMemoryMb);
    // One at a time: the BatchGetItem, then per secret a load, and a Query and a save for those fed.
    detect.billedMs += Math.ceil(L + lastRead.size * L + updates * 2 * L + cpuMs);
  }

  const storedBytes =
    [...buckets].reduce(
      (a, [key, b]) => a + 100 + bucketItemBytes(input.arnOf(Number(key.split(' ')[0])), b, fixedSets),
      0,
    ) + [...active.keys()].reduce((a, m) => a + 100 + activeBytes(m), 0);
  const gbSeconds = (ms: number, memoryMb: number) => (ms / 1000) * (memoryMb / 1024);
  const ingestGbs = gbSeconds(ingest.billedMs, input.ingestMemoryMb);
  const detectGbs = gbSeconds(detect.billedMs, input.detectMemoryMb);
  const dollars = {
    sqs: (ingest.sqsRequests / 1e6) * PRICES.sqsPerMillionRequests,
    lambdaDuration: (ingestGbs + detectGbs) * PRICES.lambdaArmPerGbSecond,
    lambdaRequests: ((ingest.batches + detect.runs) / 1e6) * PRICES.lambdaPerMillionRequests,
    dynamoWrites: ((ingest.wrus + detect.wrus) / 1e6) * PRICES.dynamoPerMillionWrus,
    dynamoReads: ((ingest.rrus + detect.rrus) / 1e6) * PRICES.dynamoPerMillionRrus,
    dynamoStorage: (storedBytes / 1024 ** 3) * PRICES.dynamoPerGbMonth * (ASSUMPTIONS.retentionDays / 30),
  };
  const total = Object.values(dollars).reduce((a, b) => a + b, 0);
  const secretsManager = (reads.length / 10_000) * PRICES.secretsManagerPer10kCalls;
  const pm = (value: number) => perMillion(value, reads.length);
  return {
    batches: ingest.batches,
    meanBatch: Math.round(ingest.records / ingest.batches),
    ingestWrites: ingest.writes,
    ingestBucketWrites: ingest.bucketWrites,
    ingestWrus: ingest.wrus,
    /** The active-secrets item of a minute lists every secret read in it; DynamoDB's item limit is 400 KB. */
    maxActiveItemBytes: ingest.maxActiveItemBytes,
    detectRuns: detect.runs,
    detectUpdates: detect.updates,
    /** Secrets loaded (read in the look-back) and saved (read since last fed) per run, on average. */
    detectMeanLoadsPerRun: Math.round(detect.loads / detect.runs),
    detectMeanUpdatesPerRun: Math.round(detect.updates / detect.runs),
    /** A run's modelled duration: detect-spikes has a 60 s timeout and runs every minute. */
    detectMeanRunMs: Math.round(detect.billedMs / detect.runs),
    perMillionReads: {
      sqsRequests: Math.round(pm(ingest.sqsRequests)),
      lambdaGbSeconds: round(pm(ingestGbs + detectGbs), 1),
      lambdaInvocations: Math.round(pm(ingest.batches + detect.runs)),
      dynamoWrus: Math.round(pm(ingest.wrus + detect.wrus)),
      dynamoWrusIngest: Math.round(pm(ingest.wrus)),
      dynamoWrusActiveSecrets: Math.round(pm(ingest.activeWrus)),
      dynamoWrusDetect: Math.round(pm(detect.wrus)),
      dynamoRrus: Math.round(pm(ingest.rrus + detect.rrus)),
      dollars: Object.fromEntries(Object.entries(dollars).map(([k, v]) => [k, round(pm(v), 4)])),
      totalDollars: round(pm(total), 4),
      secretsManagerDollars: round(pm(secretsManager), 2),
    },
    ratioToSecretsManager: round(total / secretsManager, 4),
  };
};

export type { PipelineInput, TraceRead };
export { ASSUMPTIONS, PRICES, simulatePipeline };

// What the read pipeline costs in AWS per read, for `npm run bench -- ingest`: the S3, SQS, EventBridge requests,
// Lambda GB-seconds and DynamoDB request units a trace of reads causes, simulated request by request the way the code
// issues them (CloudTrail: one log file per delivery interval, put in S3; S3: one Object Created event per file;
// ingest-reads: one GetObject per file, one consistent GetItem and one UpdateItem per (secret, minute) bucket in it,
// one UpdateItem per minute's active-secrets item; detect-spikes: every minute, one BatchGetItem of its look-back and,
// when a secret has reads not yet fed, a Query of them, and the one detectors object loaded and saved), priced at the
// published on-demand rates below. These are estimates: the prices are list prices without free tiers or volume
// tiers, and Lambda's duration is modelled from the CPU time measured here and assumed request latencies, not
// measured in AWS.
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
 * - S3 Standard: https://aws.amazon.com/s3/pricing/ ($0.005 per 1,000 PUT, $0.0004 per 1,000 GET, $0.023 per GB-month)
 * - EventBridge: https://aws.amazon.com/eventbridge/pricing/ (S3's events are "AWS opt-in data events", $1.00 per
 *   million, like custom events; AWS management events are free)
 * CloudTrail's first copy of management events is free (https://aws.amazon.com/cloudtrail/pricing/): the trail this
 * stack creates is that copy in an account with no other trail. A SECOND trail of the same management events costs
 * $2.00 per 100,000 events — $20 per million reads, four times what Secrets Manager charges for them — which is why
 * an account that has a trail points the stack at its bucket instead (`readsTrailBucket`, docs/read-anomalies.md).
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
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  s3PerGbMonth: 0.023,
  eventBridgeOptInPerMillion: 1.0,
} as const;

/** What the model assumes rather than measures. */
const ASSUMPTIONS = {
  /** One DynamoDB request's round trip from Lambda in the same region ("single-digit milliseconds"). */
  dynamoLatencyMs: 5,
  /** One S3 GET or PUT of a small object from Lambda in the same region (first byte plus transfer). */
  s3LatencyMs: 30,
  /** CloudTrail delivers a region's log file about every 5 minutes (CloudTrail User Guide, "How CloudTrail works"). */
  trailFileMs: 5 * 60_000,
  /** The SDK's default socket pool (Node's http handler: 50): ingest's parallel bucket writes go 50 at a time. */
  sdkConcurrency: 50,
  /** Lambda gives a function one full vCPU at 1,769 MB and a proportional share below (AWS Lambda docs). */
  fullVcpuMemoryMb: 1769,
  /** Per log file: EventBridge's SendMessage, the event source mapping's ReceiveMessage and DeleteMessageBatch. */
  sqsRequestsPerFile: 3,
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
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly region: string;
  /** Bytes of one read's CloudTrail record in a log file, gzipped (measured on the trace's records). */
  readonly gzippedRecordBytes: number;
  /** Lambda memory of ingest-reads and detect-spikes (serverless.yml, as resolved). */
  readonly ingestMemoryMb: number;
  readonly detectMemoryMb: number;
  /** Measured on this machine, one core: gunzip + stream-parse + aggregate per record, and the detector per bucket. */
  readonly cpuMsPerRecord: number;
  readonly detectorMsPerBucket: number;
  /** A mature detector state's JSON, measured. */
  readonly detectorStateBytes: number;
  /** Loading and saving the detectors object (gunzip, parse, stringify, gzip) per byte of its JSON, measured. */
  readonly detectorObjectMsPerByte: number;
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
    files: 0,
    fileBytes: 0,
  };
  // CloudTrail's log files: each holds the reads of one delivery interval; each is one file notification, and the
  // event source mapping's short batching window hands files that arrive minutes apart to separate invocations.
  let i = 0;
  while (i < reads.length) {
    const file = Math.floor((reads[i]?.time ?? 0) / ASSUMPTIONS.trailFileMs);
    const inBatch = new Map<string, { secret: number; minute: number; reads: TraceRead[] }>();
    let n = 0;
    for (; i < reads.length && Math.floor((reads[i]?.time ?? 0) / ASSUMPTIONS.trailFileMs) === file; i++, n++) {
      const r = reads[i];
      if (!r) break;
      const minute = minuteOf(r.time);
      const key = `${r.secret} ${minute}`;
      const entry = inBatch.get(key) ?? { secret: r.secret, minute, reads: [] };
      entry.reads.push(r);
      inBatch.set(key, entry);
    }
    ingest.batches++;
    ingest.files++;
    ingest.records += n;
    ingest.fileBytes += n * input.gzippedRecordBytes;
    ingest.sqsRequests += ASSUMPTIONS.sqsRequestsPerFile;
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
    // The file's GetObject, then buckets in parallel, 50 at a time, each a GetItem then an UpdateItem; then the
    // active-secrets writes at once.
    const ioMs = ASSUMPTIONS.s3LatencyMs + Math.ceil(inBatch.size / ASSUMPTIONS.sdkConcurrency) * 2 * L + L;
    ingest.billedMs += Math.ceil(cpuMs + ioMs);
  }

  // detect-spikes, every minute, over the trace taken as a steady state that repeats: two rounds are run and the
  // second is counted, so the look-back at its start sees the end of the first. Each run reads its 10-minute
  // look-back's active-secrets items; if a secret there has reads not yet fed, it loads the detectors object, feeds
  // (a Query each) and saves the object once.
  const traceMinutes = [...new Set(reads.map((r) => minuteOf(r.time)))].sort((a, b) => a - b);
  const first = traceMinutes[0] ?? 0;
  const span = Math.max(1, ((traceMinutes.at(-1) ?? first) - first) / 60_000 + 1);
  const minuteAt = (run: number) => first + (((run % span) + span) % span) * 60_000;
  // One detector's entry in the object: its ARN as the key, the state, the last minute fed.
  const entryBytes = (s: number) => utf8(input.arnOf(s)) + 6 + utf8('state') + input.detectorStateBytes + 24;
  const detect = {
    runs: span,
    loads: 0,
    updates: 0,
    wrus: 0,
    rrus: 0,
    billedMs: 0,
    s3Gets: 0,
    s3Puts: 0,
    objectBytes: 0,
  };
  const fedThrough = new Map<number, number>();
  let objectBytes = 0;
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
      if (fed !== undefined && fed >= last) continue;
      const from = fed === undefined ? last : fed + 1;
      let bytes = 0;
      for (let m = from; m <= run; m++) {
        const bucket = buckets.get(`${s} ${minuteAt(m)}`);
        if (bucket) bytes += bucketItemBytes(input.arnOf(s), bucket, fixedSets);
      }
      rrus += 0.5 * Math.max(1, Math.ceil(bytes / 4096));
      fedBuckets += Math.min(run - from + 1, 24 * 60);
      if (fed === undefined) objectBytes += entryBytes(s);
      fedThrough.set(s, run);
      updates++;
    }
    if (!counted) continue;
    const loaded = lastRead.size > 0 ? 1 : 0;
    const saved = updates > 0 ? 1 : 0;
    detect.loads += lastRead.size;
    detect.updates += updates;
    detect.rrus += rrus;
    detect.s3Gets += loaded;
    detect.s3Puts += saved;
    detect.objectBytes = Math.max(detect.objectBytes, objectBytes);
    const cpuMs =
      (fedBuckets * input.detectorMsPerBucket + (loaded + saved) * objectBytes * input.detectorObjectMsPerByte) *
      cpuScale(input.detectMemoryMb);
    // One at a time: the BatchGetItem, the object's GET, a Query per secret fed, the object's PUT.
    detect.billedMs += Math.ceil(L + (loaded + saved) * ASSUMPTIONS.s3LatencyMs + updates * L + cpuMs);
  }

  const storedBytes =
    [...buckets].reduce(
      (a, [key, b]) => a + 100 + bucketItemBytes(input.arnOf(Number(key.split(' ')[0])), b, fixedSets),
      0,
    ) + [...active.keys()].reduce((a, m) => a + 100 + activeBytes(m), 0);
  const gbSeconds = (ms: number, memoryMb: number) => (ms / 1000) * (memoryMb / 1024);
  const ingestGbs = gbSeconds(ingest.billedMs, input.ingestMemoryMb);
  const detectGbs = gbSeconds(detect.billedMs, input.detectMemoryMb);
  const gzippedGb = ingest.fileBytes / 1024 ** 3;
  const dollars = {
    // CloudTrail's PUT of each log file (billed to the bucket's owner), ingest's GET, the detectors object's.
    s3Requests:
      ((ingest.files + detect.s3Puts) / 1000) * PRICES.s3PerThousandPuts +
      ((ingest.files + detect.s3Gets) / 1000) * PRICES.s3PerThousandGets,
    // The log files kept for the bucket's lifecycle (the detectors object is one small object: left out).
    s3Storage: gzippedGb * PRICES.s3PerGbMonth * (ASSUMPTIONS.retentionDays / 30),
    eventBridge: (ingest.files / 1e6) * PRICES.eventBridgeOptInPerMillion,
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
    files: ingest.files,
    meanRecordsPerFile: Math.round(ingest.records / Math.max(1, ingest.files)),
    detectRuns: detect.runs,
    detectUpdates: detect.updates,
    /** Saves of the detectors object (one per run that fed a detector) and its largest size, modelled. */
    detectObjectSaves: detect.s3Puts,
    detectObjectBytes: detect.objectBytes,
    /** Secrets loaded (read in the look-back) and saved (read since last fed) per run, on average. */
    detectMeanLoadsPerRun: Math.round(detect.loads / detect.runs),
    detectMeanUpdatesPerRun: Math.round(detect.updates / detect.runs),
    /** A run's modelled duration: detect-spikes has a 60 s timeout and runs every minute. */
    detectMeanRunMs: Math.round(detect.billedMs / detect.runs),
    perMillionReads: {
      s3Requests: Math.round(pm(ingest.files * 2 + detect.s3Gets + detect.s3Puts)),
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

// What the read pipeline costs in AWS per read, for `npm run bench -- ingest`: the S3, SQS and EventBridge requests
// and the Lambda GB-seconds a trace of reads causes, simulated request by request the way the code issues them
// (CloudTrail: one log file per delivery interval, put in S3; S3: one Object Created event per file, through SQS;
// ingest-reads: one GetObject per file and one PutObject per hour the file's reads fall in (adapters/counters.ts);
// detect-spikes: every minute, a listing of the hours its one-hour window touches, a GetObject of each read object
// it has not read before, and, when it fed a detector, the one detectors object loaded and saved), priced at the
// published rates below. These are estimates: the prices are list prices without free tiers or volume tiers, and
// Lambda's duration is modelled from the CPU time measured here and an assumed request latency, not measured in AWS.
import { MINUTE_MS, minuteOf } from '../../functions/reads/domain/aggregate.ts';

/**
 * Published us-east-1 list prices, as of 2026-12-01 (on-demand, no free tier, first volume tier):
 * - Secrets Manager: https://aws.amazon.com/secrets-manager/pricing/ ($0.05 per 10,000 API calls)
 * - SQS standard queues: https://aws.amazon.com/sqs/pricing/ ($0.40 per million requests; each 64 KB chunk of a
 *   request's payload is billed as one request)
 * - Lambda, Arm: https://aws.amazon.com/lambda/pricing/ ($0.0000133334 per GB-second, first 7.5 billion GB-s a month;
 *   $0.20 per million requests)
 * - S3 Standard: https://aws.amazon.com/s3/pricing/ ($0.005 per 1,000 PUT and LIST requests, $0.0004 per 1,000 GET,
 *   $0.023 per GB-month)
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
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  s3PerGbMonth: 0.023,
  eventBridgeOptInPerMillion: 1.0,
} as const;

/** What the model assumes rather than measures. */
const ASSUMPTIONS = {
  /** One S3 GET or PUT of a small object from Lambda in the same region (first byte plus transfer). */
  s3LatencyMs: 30,
  /** CloudTrail delivers a region's log file about every 5 minutes (CloudTrail User Guide, "How CloudTrail works"). */
  trailFileMs: 5 * 60_000,
  /** Lambda gives a function one full vCPU at 1,769 MB and a proportional share below (AWS Lambda docs). */
  fullVcpuMemoryMb: 1769,
  /** Per log file: EventBridge's SendMessage, the event source mapping's ReceiveMessage and DeleteMessageBatch. */
  sqsRequestsPerFile: 3,
  /** detect-spikes looks back this many closed minutes, for secrets to update and for their counts (the default). */
  detectLookbackMinutes: 60,
  /** Log files and read objects are kept 8 days (the buckets' lifecycle). */
  retentionDays: 8,
  /** A warm detect-spikes container reads each read object once (adapters/counters.ts caches them). */
  readObjectReadsPerObject: 1,
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
  /** A read object's gzipped bytes per byte of its JSON, measured. */
  readonly readObjectGzipRatio: number;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
const HOUR_MS = 60 * MINUTE_MS;

/** One secret's minute in a read object, as adapters/counters.ts writes it, in bytes of JSON. */
const minuteEntryBytes = (principals: ReadonlyMap<string, number>, fixed: number) => {
  let bytes = 16 + 8 + 6; // "<minute ms>":{"n":<count>,"p":{
  for (const [principal, count] of principals) bytes += utf8(principal) + 4 + String(count).length;
  return bytes + fixed;
};

const perMillion = (value: number, reads: number) => (value / reads) * 1_000_000;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

const simulatePipeline = (input: PipelineInput) => {
  const { reads } = input;
  // The source IP, user agent and region lists of a minute: one value each in these traces.
  const fixed = utf8(`,"ips":["${input.sourceIp}"],"uas":["${input.userAgent}"],"regions":["${input.region}"]}`) + 2;
  const cpuScale = (memoryMb: number) => Math.max(1, ASSUMPTIONS.fullVcpuMemoryMb / memoryMb);
  const S = ASSUMPTIONS.s3LatencyMs;

  /** Each read object: the hour it covers, its JSON bytes, the minutes it covers and the secrets read in each. */
  const objects: {
    readonly file: number;
    readonly hour: number;
    readonly first: number;
    readonly last: number;
    readonly bytes: number;
    readonly secrets: Map<number, Set<number>>;
    readByIngest?: boolean;
  }[] = [];
  const ingest = { files: 0, records: 0, billedMs: 0, puts: 0, lists: 0, gets: 0, fileBytes: 0, objectBytes: 0 };
  let i = 0;
  while (i < reads.length) {
    const file = Math.floor((reads[i]?.time ?? 0) / ASSUMPTIONS.trailFileMs);
    // (hour) → (secret) → (minute) → principal counts
    const byHour = new Map<number, Map<number, Map<number, Map<string, number>>>>();
    let n = 0;
    for (; i < reads.length && Math.floor((reads[i]?.time ?? 0) / ASSUMPTIONS.trailFileMs) === file; i++, n++) {
      const r = reads[i];
      if (!r) break;
      const minute = minuteOf(r.time);
      const hour = Math.floor(minute / HOUR_MS) * HOUR_MS;
      const secrets = byHour.get(hour) ?? new Map<number, Map<number, Map<string, number>>>();
      const minutes = secrets.get(r.secret) ?? new Map<number, Map<string, number>>();
      const principals = minutes.get(minute) ?? new Map<string, number>();
      principals.set(r.principal, (principals.get(r.principal) ?? 0) + 1);
      minutes.set(minute, principals);
      secrets.set(r.secret, minutes);
      byHour.set(hour, secrets);
    }
    ingest.files++;
    ingest.records += n;
    ingest.fileBytes += n * input.gzippedRecordBytes;
    for (const [hour, secrets] of byHour) {
      let bytes = 60; // {"version":1,"source":"…","secrets":{…}}
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      const active = new Map<number, Set<number>>();
      for (const [secret, minutes] of secrets) {
        bytes += utf8(input.arnOf(secret)) + 6;
        for (const [minute, principals] of minutes) {
          bytes += minuteEntryBytes(principals, fixed);
          first = Math.min(first, minute);
          last = Math.max(last, minute);
          const set = active.get(minute) ?? new Set<number>();
          set.add(secret);
          active.set(minute, set);
        }
      }
      objects.push({ file, hour, first, last, bytes, secrets: active });
      ingest.puts++;
      ingest.objectBytes += bytes;
    }
    // Before writing, the other objects of the hours it touches are read for reads they counted already (one
    // listing per hour; each object read once by a warm container, at the detectors object's cost per byte).
    let seenBytes = 0;
    for (const hour of byHour.keys()) {
      ingest.lists++;
      for (const o of objects)
        if (o.hour === hour && o.file !== file && !o.readByIngest) {
          o.readByIngest = true;
          ingest.gets++;
          seenBytes += o.bytes;
        }
    }
    const cpuMs =
      (n * input.cpuMsPerRecord + seenBytes * input.detectorObjectMsPerByte) * cpuScale(input.ingestMemoryMb);
    // The log file's GetObject, the listing, then its objects' PutObjects at once.
    ingest.billedMs += Math.ceil(cpuMs + 3 * S);
  }

  // detect-spikes, every minute, over the trace taken as a steady state that repeats: two rounds are run and the
  // second is counted, so the look-back at its start sees the end of the first. Each run lists the hours its
  // one-hour window touches, reads the objects in it it has not read before, and if a secret in its 10-minute
  // look-back has reads not yet fed, loads the detectors object, feeds and saves it once.
  const traceMinutes = [...new Set(reads.map((r) => minuteOf(r.time)))].sort((a, b) => a - b);
  const first = traceMinutes[0] ?? 0;
  const span = Math.max(1, ((traceMinutes.at(-1) ?? first) - first) / MINUTE_MS + 1);
  const minuteAt = (run: number) => first + (((run % span) + span) % span) * MINUTE_MS;
  const active = new Map<number, Set<number>>();
  for (const o of objects)
    for (const [m, set] of o.secrets) for (const s of set) active.set(m, (active.get(m) ?? new Set()).add(s));
  // One detector's entry in the detectors object: its ARN as the key, the state, the last minute fed.
  const entryBytes = (s: number) => utf8(input.arnOf(s)) + 6 + utf8('state') + input.detectorStateBytes + 24;
  const detect = {
    runs: span,
    loads: 0,
    updates: 0,
    billedMs: 0,
    lists: 0,
    gets: 0,
    s3Gets: 0,
    s3Puts: 0,
    objectBytes: 0,
  };
  const fedThrough = new Map<number, number>();
  let stateBytes = 0;
  for (let run = 0; run < 2 * span; run++) {
    const counted = run >= span;
    const lastRead = new Map<number, number>();
    for (let k = ASSUMPTIONS.detectLookbackMinutes - 1; k >= 0; k--) {
      for (const s of active.get(minuteAt(run - k)) ?? []) lastRead.set(s, run - k);
    }
    let updates = 0;
    let fedBuckets = 0;
    for (const [s, last] of lastRead) {
      const fed = fedThrough.get(s);
      if (fed !== undefined && fed >= last) continue;
      const from = fed === undefined ? last : fed + 1;
      fedBuckets += Math.min(run - from + 1, 24 * 60);
      if (fed === undefined) stateBytes += entryBytes(s);
      fedThrough.set(s, run);
      updates++;
    }
    if (!counted) continue;
    // The window [now − 59, now] touches two hours unless it starts on one: two listings a run, almost always.
    const now = minuteAt(run);
    const lists =
      Math.floor(now / HOUR_MS) - Math.floor((now - (ASSUMPTIONS.detectLookbackMinutes - 1) * MINUTE_MS) / HOUR_MS) + 1;
    const loaded = lastRead.size > 0 ? 1 : 0;
    const saved = updates > 0 ? 1 : 0;
    detect.lists += lists;
    detect.loads += lastRead.size;
    detect.updates += updates;
    detect.s3Gets += loaded;
    detect.s3Puts += saved;
    detect.objectBytes = Math.max(detect.objectBytes, stateBytes);
    const cpuMs =
      (fedBuckets * input.detectorMsPerBucket + (loaded + saved) * stateBytes * input.detectorObjectMsPerByte) *
      cpuScale(input.detectMemoryMb);
    detect.billedMs += Math.ceil((lists + loaded + saved) * S + cpuMs);
  }
  // Each read object read once by a warm container (parsed at the detectors object's cost per byte).
  detect.gets = objects.length * ASSUMPTIONS.readObjectReadsPerObject;
  detect.billedMs += Math.ceil(
    detect.gets * S + ingest.objectBytes * input.detectorObjectMsPerByte * cpuScale(input.detectMemoryMb),
  );

  const gbSeconds = (ms: number, memoryMb: number) => (ms / 1000) * (memoryMb / 1024);
  const ingestGbs = gbSeconds(ingest.billedMs, input.ingestMemoryMb);
  const detectGbs = gbSeconds(detect.billedMs, input.detectMemoryMb);
  const puts = ingest.files + ingest.puts + ingest.lists + detect.s3Puts + detect.lists;
  const gets = ingest.files + ingest.gets + detect.gets + detect.s3Gets;
  const storedGb = (ingest.fileBytes + ingest.objectBytes * input.readObjectGzipRatio) / 1024 ** 3;
  const dollars = {
    // CloudTrail's PUT of each log file (billed to the bucket's owner), ingest's PUTs of read objects, the detectors
    // object's, detect-spikes' listings (priced as PUTs); GETs of log files, read objects and the detectors object.
    s3Requests: (puts / 1000) * PRICES.s3PerThousandPuts + (gets / 1000) * PRICES.s3PerThousandGets,
    // Log files and read objects kept for the buckets' lifecycle (the detectors object is one object: left out).
    s3Storage: storedGb * PRICES.s3PerGbMonth * (ASSUMPTIONS.retentionDays / 30),
    eventBridge: (ingest.files / 1e6) * PRICES.eventBridgeOptInPerMillion,
    sqs: ((ingest.files * ASSUMPTIONS.sqsRequestsPerFile) / 1e6) * PRICES.sqsPerMillionRequests,
    lambdaDuration: (ingestGbs + detectGbs) * PRICES.lambdaArmPerGbSecond,
    lambdaRequests: ((ingest.files + detect.runs) / 1e6) * PRICES.lambdaPerMillionRequests,
  };
  const total = Object.values(dollars).reduce((a, b) => a + b, 0);
  const secretsManager = (reads.length / 10_000) * PRICES.secretsManagerPer10kCalls;
  const pm = (value: number) => perMillion(value, reads.length);
  return {
    files: ingest.files,
    meanRecordsPerFile: Math.round(ingest.records / Math.max(1, ingest.files)),
    readObjects: objects.length,
    meanReadObjectBytes: Math.round(ingest.objectBytes / Math.max(1, objects.length)),
    detectRuns: detect.runs,
    detectUpdates: detect.updates,
    /** Saves of the detectors object (one per run that fed a detector) and its largest size, modelled. */
    detectObjectSaves: detect.s3Puts,
    detectObjectBytes: detect.objectBytes,
    /** Secrets looked at (read in the look-back) and fed per run, on average. */
    detectMeanLoadsPerRun: Math.round(detect.loads / detect.runs),
    detectMeanUpdatesPerRun: Math.round(detect.updates / detect.runs),
    /** A run's modelled duration: detect-spikes has a 60 s timeout and runs every minute. */
    detectMeanRunMs: Math.round(detect.billedMs / detect.runs),
    perMillionReads: {
      s3Requests: Math.round(pm(puts + gets)),
      sqsRequests: Math.round(pm(ingest.files * ASSUMPTIONS.sqsRequestsPerFile)),
      lambdaGbSeconds: round(pm(ingestGbs + detectGbs), 1),
      lambdaInvocations: Math.round(pm(ingest.files + detect.runs)),
      dollars: Object.fromEntries(Object.entries(dollars).map(([k, v]) => [k, round(pm(v), 4)])),
      totalDollars: round(pm(total), 4),
      secretsManagerDollars: round(pm(secretsManager), 2),
    },
    ratioToSecretsManager: round(total / secretsManager, 4),
  };
};

export type { PipelineInput, TraceRead };
export { ASSUMPTIONS, PRICES, simulatePipeline };

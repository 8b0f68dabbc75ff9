// Ingest benchmark (`npm run bench -- ingest [--events N]`):
// 1. CloudTrail read events, as the read-events queue delivers them, parsed (JSON + the zod schema) and aggregated per
//    (secret, minute) and (secret, principal, minute) per second, on one core — the work ingest-reads does per batch.
// 2. DynamoDB writes per 1,000,000 reads on a realistic trace (many secrets with a long tail, a few hot ones, several
//    principals each), cut into batches as the SQS event source mapping would deliver them (batch size 5000, 60 s
//    batching window, 6 MB payload), against the one-write-per-read design, as a ratio.
// 3. What the pipeline costs in AWS per 1,000,000 reads — SQS requests, Lambda GB-seconds at the configured memory,
//    DynamoDB request units — next to the $5 a million reads cost in Secrets Manager itself (./pipeline-cost.ts).
// Queue messages are what the read-events rule's input transformer makes of each event (the local bus's transformer,
// with the rule file's template), and the whole event for comparison.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SQSRecord } from 'aws-lambda';
import { aggregateReads, countByPrincipal, minuteOf } from '../../functions/reads/domain/aggregate.ts';
import { createDetectorState, defaultDetectorParams, updateDetector } from '../../functions/reads/domain/detector.ts';
import type { Read } from '../../functions/reads/domain/read-event.ts';
import { parseRecord } from '../../functions/reads/steps/ingest.ts';
import { type InputTransformer, transformInput } from '../../local/eventbridge/input-transformer.ts';
import { loadServiceConfig } from '../../local/stack/service-config.ts';
import { ASSUMPTIONS, PRICES, simulatePipeline } from './pipeline-cost.ts';
import { writeFigures } from './support.ts';

const ACCOUNT = '123456789012';
const ACCESS_KEY = 'ASIAEXAMPLEKEY000001';
const SOURCE_IP = '10.0.3.21';
const USER_AGENT = 'aws-sdk-js/3.1162.0 ua/2.1 os/linux lang/js md/nodejs#24.21.0 api/secrets-manager#3.1162.0';
const BATCH_SIZE = 5000;
const RULE = JSON.parse(readFileSync(new URL('../../events/rules/read-events.json', import.meta.url), 'utf8')) as {
  inputTransformer: InputTransformer;
};

/** The queue message for one event: the rule's input transformer applied, as EventBridge does. */
const trimmed = (event: string): string =>
  transformInput(RULE.inputTransformer, {
    event: JSON.parse(event) as Record<string, unknown>,
    ruleName: 'smcp-bench-read-events',
    ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/smcp-bench-read-events',
    ingestionTime: new Date(0).toISOString(),
  });

/** Deterministic PRNG (mulberry32), so every run sees the same trace. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const secretArn = (i: number) =>
  `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team-${i % 40}/service-${i}/db-${(i * 7919).toString(36).padStart(6, 'x').slice(-6)}`;

interface TraceOptions {
  readonly secrets: number;
  readonly reads: number;
  readonly durationMs: number;
  readonly seed: number;
}

/**
 * Secret popularity follows Zipf (s = 1.1: a few hot secrets take a large share, a long tail is read now and then);
 * each secret has 1–4 application principals, and 2% of reads come from someone else (people, CI, scanners).
 */
const trace = ({ secrets, reads, durationMs, seed }: TraceOptions) => {
  const random = prng(seed);
  const weights = Array.from({ length: secrets }, (_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cumulative.push(acc);
  }
  const pick = () => {
    const u = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = Date.parse('2026-01-07T00:00:00Z');
  const out: { secret: number; principal: string; time: number }[] = [];
  for (let i = 0; i < reads; i++) {
    const secret = pick();
    const apps = 1 + (secret % 4);
    const principal =
      random() < 0.02
        ? `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/person-${Math.floor(random() * 30)}`
        : `arn:aws:sts::${ACCOUNT}:assumed-role/service-${secret}-${Math.floor(random() * apps)}/i-0${secret}`;
    out.push({ secret, principal, time: start + Math.floor((i / reads) * durationMs) });
  }
  return out;
};

/** The CloudTrail event EventBridge puts in the queue for one read (about 1.1 KB, like AWS's). */
const eventBody = (arn: string, principal: string, time: number): string =>
  JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: ACCOUNT,
    time: `${new Date(time).toISOString().slice(0, 19)}Z`,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEID:i-0abc',
        arn: principal,
        accountId: ACCOUNT,
        accessKeyId: ACCESS_KEY,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: principal, accountId: ACCOUNT },
          attributes: { creationDate: '2026-01-07T00:00:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: `${new Date(time).toISOString().slice(0, 19)}Z`,
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      awsRegion: 'us-east-1',
      sourceIPAddress: SOURCE_IP,
      userAgent: USER_AGENT,
      requestParameters: { secretId: arn },
      responseElements: null,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: 'secretsmanager.us-east-1.amazonaws.com',
      },
    },
  });

/** What ingest-reads does with a batch in memory: parse, then aggregate per bucket and per principal. */
const ingestInMemory = (records: readonly SQSRecord[]) => {
  const reads: Read[] = [];
  for (const record of records) {
    const parsed = parseRecord(record);
    if (parsed.ok && parsed.read) reads.push(parsed.read);
  }
  const buckets = aggregateReads(reads, (id) => id);
  let principalKeys = 0;
  for (const bucket of buckets.values()) principalKeys += countByPrincipal(bucket.reads.values()).size;
  return { reads: reads.length, buckets: buckets.size, principalKeys };
};

const measure = (records: readonly SQSRecord[]) => {
  const batches: SQSRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH_SIZE) batches.push(records.slice(i, i + BATCH_SIZE));
  for (const batch of batches.slice(0, 5)) ingestInMemory(batch); // warm-up
  const started = process.hrtime.bigint();
  let reads = 0;
  for (const batch of batches) reads += ingestInMemory(batch).reads;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = records.reduce((n, r) => n + r.body.length, 0);
  return {
    events: reads,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(reads / seconds),
    meanMessageBytes: Math.round(bytes / records.length),
  };
};

const throughput = (events: number) => {
  const t = trace({ secrets: 5000, reads: events, durationMs: 3_600_000, seed: 1 });
  const whole = t.map((r, i) => ({
    messageId: `m-${i}`,
    body: eventBody(secretArn(r.secret), r.principal, r.time),
  })) as SQSRecord[];
  const compact = whole.map((r) => ({ ...r, body: trimmed(r.body) }));
  return { trimmed: measure(compact), wholeEvent: measure(whole) };
};

/** Lambda memory of a function as serverless.yml resolves it (its own `memorySize`, else the provider's). */
const memoryOf = async (key: string): Promise<number> => {
  const config = await loadServiceConfig({ root: fileURLToPath(new URL('../../', import.meta.url)), stage: 'local' });
  const own = (config.functions?.[key] as { memorySize?: number } | undefined)?.memorySize;
  const memory = own ?? (config.provider as { memorySize?: number }).memorySize;
  if (typeof memory !== 'number') throw new Error(`serverless.yml gives ${key} no memorySize`);
  return memory;
};

/** The detector per bucket on one core, and the size of a mature state (8 days of a daily pattern). */
const detectorFigures = () => {
  let state = createDetectorState();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const minutes = 8 * 24 * 60;
  const began = process.hrtime.bigint();
  for (let m = 0; m < minutes; m++) {
    const hour = (m / 60) % 24;
    const count = Math.round(5 + 4 * Math.sin((hour / 24) * 2 * Math.PI) + ((m * 7919) % 5) - 2);
    state = updateDetector(state, { timestamp: start + m * 60_000, count }, defaultDetectorParams).state;
  }
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  // The detectors object of 5,000 such states (adapters/detector-store.ts): written (stringify + gzip) and read back.
  const detectors: Record<string, unknown> = {};
  for (let i = 0; i < 5000; i++) detectors[secretArn(i)] = { state, last: start };
  const objectStarted = process.hrtime.bigint();
  const json = JSON.stringify({ version: 1, detectors });
  JSON.parse(gunzipSync(gzipSync(json)).toString('utf8'));
  const objectMs = Number(process.hrtime.bigint() - objectStarted) / 1e6;
  return {
    msPerBucket: Number((ms / minutes).toFixed(4)),
    stateBytes: JSON.stringify(state).length,
    // Per byte of the object's JSON, for one load and one save together, halved: one of either.
    objectMsPerByte: Number((objectMs / 2 / json.length).toExponential(3)),
  };
};

/** A log file's gzipped bytes per read record: CloudTrail's `{"Records":[…]}` of a 5-minute trace slice. */
const gzippedRecordBytes = (events: number) => {
  const t = trace({ secrets: 5000, reads: events, durationMs: 300_000, seed: 4 });
  const records = t.map((r) =>
    JSON.stringify((JSON.parse(eventBody(secretArn(r.secret), r.principal, r.time)) as { detail: unknown }).detail),
  );
  return Math.ceil(gzipSync(`{"Records":[${records.join(',')}]}`).length / records.length);
};

/**
 * Writes and what they cost for one trace: per batch, one conditional write per (secret, minute) bucket (its
 * per-principal counts ride along as attributes) and one per minute for the active-secrets list; plus one read per
 * bucket (the version and ids read before the conditional write). A batch closes at 5,000 records, 60 s or 6 MB,
 * whichever comes first. The same trace is priced by ./pipeline-cost.ts.
 */
const writesFor = (
  name: string,
  options: TraceOptions,
  measured: { gzippedRecordBytes: number; cpuMsPerRecord: number; ingestMemoryMb: number; detectMemoryMb: number },
  detector: { msPerBucket: number; stateBytes: number; objectMsPerByte: number },
) => {
  const t = trace(options);
  const cost = simulatePipeline({
    reads: t.map((r) => ({ ...r, principal: `${r.principal}|${ACCESS_KEY}` })),
    arnOf: secretArn,
    gzippedRecordBytes: measured.gzippedRecordBytes,
    sourceIp: SOURCE_IP,
    userAgent: USER_AGENT,
    region: 'us-east-1',
    ingestMemoryMb: measured.ingestMemoryMb,
    detectMemoryMb: measured.detectMemoryMb,
    cpuMsPerRecord: measured.cpuMsPerRecord,
    detectorMsPerBucket: detector.msPerBucket,
    detectorStateBytes: detector.stateBytes,
    detectorObjectMsPerByte: detector.objectMsPerByte,
  });
  // The floor for per-minute counters: one write per (secret, minute) that had reads at all.
  const secretMinutes = new Set(t.map((r) => `${r.secret} ${minuteOf(r.time)}`)).size;
  const perMillion = (x: number) => Math.round((x / options.reads) * 1_000_000);
  return {
    trace: name,
    secrets: options.secrets,
    reads: options.reads,
    hours: options.durationMs / 3_600_000,
    batches: cost.batches,
    meanBatch: cost.meanBatch,
    ingestWritesPerMillionReads: perMillion(cost.ingestWrites),
    // One consistent GetItem per bucket write (the active-secrets writes read nothing first).
    ingestReadsPerMillionReads: perMillion(cost.ingestBucketWrites),
    floorWritesPerMillionReads: perMillion(secretMinutes),
    // detect-spikes feeds a secret's detector once per run in which it has reads not yet fed.
    detectWritesPerMillionReads: perMillion(cost.detectUpdates),
    ratioToOneWritePerRead: Number((cost.ingestWrites / options.reads).toFixed(4)),
    cost,
  };
};

const main = async (args: string[] = []) => {
  const at = args.indexOf('--events');
  const events = at >= 0 ? Number(args[at + 1]) : 300_000;
  const speed = throughput(events);
  const detector = detectorFigures();
  const measured = {
    gzippedRecordBytes: gzippedRecordBytes(20_000),
    cpuMsPerRecord: 1000 / speed.trimmed.eventsPerSecond,
    ingestMemoryMb: await memoryOf('ingest-reads'),
    detectMemoryMb: await memoryOf('detect-spikes'),
  };
  const traces = [
    writesFor(
      'busy hour: 1M reads of 5,000 secrets in 1 h',
      { secrets: 5000, reads: 1_000_000, durationMs: 3_600_000, seed: 2 },
      measured,
      detector,
    ),
    writesFor(
      'a day: 1M reads of 5,000 secrets in 24 h',
      { secrets: 5000, reads: 1_000_000, durationMs: 24 * 3_600_000, seed: 3 },
      measured,
      detector,
    ),
  ];
  const figures = {
    node: process.version,
    parseAndAggregate: { ...speed, batchSize: BATCH_SIZE, target: 100_000 },
    detector,
    lambdaMemoryMb: { ingest: measured.ingestMemoryMb, detect: measured.detectMemoryMb },
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    writes: traces,
    notes:
      'One core, in process. Writes: per batch one conditional UpdateItem per (secret, minute) carrying the ' +
      'per-principal ADDs, one per minute for the active-secrets list; the one-write-per-read design needs ' +
      '1,000,000 writes (plus its dedup). The floor is one write per (secret, minute) with reads. Costs are ' +
      'estimates at list prices (no free tier), with Lambda duration modelled from the CPU time measured here and ' +
      'an assumed DynamoDB latency.',
  };
  const file = writeFigures('ingest', figures);
  for (const [shape, m] of Object.entries(speed)) {
    console.log(
      `Parse + aggregate (${shape}): ${m.eventsPerSecond.toLocaleString('en-US')} events/s on one core (${m.events.toLocaleString('en-US')} messages of ~${m.meanMessageBytes} B, batches of ${BATCH_SIZE}; target 100,000)`,
    );
  }
  const usd = (x: number) => `$${x.toFixed(4)}`;
  for (const t of traces) {
    const c = t.cost.perMillionReads;
    console.log(
      `${t.trace}: ${t.ingestWritesPerMillionReads.toLocaleString('en-US')} writes per 1,000,000 reads (ratio ${t.ratioToOneWritePerRead} of one write per read), ${t.cost.files.toLocaleString('en-US')} log files of ~${t.cost.meanRecordsPerFile.toLocaleString('en-US')} reads; floor ${t.floorWritesPerMillionReads.toLocaleString('en-US')}; detectors fed ${t.detectWritesPerMillionReads.toLocaleString('en-US')} times, the detectors object saved ${t.cost.detectObjectSaves.toLocaleString('en-US')} times`,
    );
    console.log(
      `  per 1,000,000 reads: ${c.dynamoWrus.toLocaleString('en-US')} DynamoDB WRUs (ingest ${c.dynamoWrusIngest.toLocaleString('en-US')}, detect ${c.dynamoWrusDetect.toLocaleString('en-US')}), ${c.dynamoRrus.toLocaleString('en-US')} RRUs, ${c.s3Requests.toLocaleString('en-US')} S3 requests, ${c.sqsRequests.toLocaleString('en-US')} SQS requests, ${c.lambdaGbSeconds.toLocaleString('en-US')} Lambda GB-s (${c.lambdaInvocations.toLocaleString('en-US')} invocations)`,
    );
    console.log(
      `  estimated ${usd(c.totalDollars)} per 1,000,000 reads (S3 ${usd((c.dollars.s3Requests ?? 0) + (c.dollars.s3Storage ?? 0))}, EventBridge ${usd(c.dollars.eventBridge ?? 0)}, SQS ${usd(c.dollars.sqs ?? 0)}, Lambda ${usd((c.dollars.lambdaDuration ?? 0) + (c.dollars.lambdaRequests ?? 0))}, DynamoDB writes ${usd(c.dollars.dynamoWrites ?? 0)}, reads ${usd(c.dollars.dynamoReads ?? 0)}, storage ${usd(c.dollars.dynamoStorage ?? 0)}) = ${(t.cost.ratioToSecretsManager * 100).toFixed(1)}% of the $${c.secretsManagerDollars.toFixed(2)} Secrets Manager charges for them (goal ≤ 1%); detect-spikes: ${t.cost.detectMeanLoadsPerRun.toLocaleString('en-US')} secrets loaded, ${t.cost.detectMeanUpdatesPerRun.toLocaleString('en-US')} saved, ~${t.cost.detectMeanRunMs.toLocaleString('en-US')} ms a run`,
    );
  }
  console.log(`Prices: us-east-1 list prices as of ${PRICES.asOf} (scripts/bench/pipeline-cost.ts); estimates`);
  console.log(`Figures: ${file}`);
};

export { main };

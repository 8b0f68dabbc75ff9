// Ingest benchmark (`npm run bench -- ingest [--events N]`):
// 1. CloudTrail log files read as ingest-reads reads them, on one core: gzipped `{"Records":[…]}` streamed through
//    the log-file reader (gunzip, stream-json), the GetSecretValue reads kept and the trail's other events skipped,
//    then resolved and aggregated per (secret, minute) and (secret, principal, minute) — the step itself, with the
//    counter writes answered in memory. Records/s, and the heap a 100+ MB file takes while it streams.
//    The read objects are written (JSON, gzip) to an S3 kept in memory, so their cost is in the figure.
// 2. What the pipeline costs in AWS per 1,000,000 reads on a realistic trace (many secrets with a long tail, a few hot
//    ones, several principals each), in a busy hour and over a day — S3, SQS and EventBridge requests, S3 storage,
//    Lambda GB-seconds at the configured memory — next to the $5 a million reads cost in Secrets Manager itself
//    (./pipeline-cost.ts).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSEvent } from 'aws-lambda';
import { createCounters } from '../../functions/reads/adapters/counters.ts';
import { createLogFiles } from '../../functions/reads/adapters/log-files.ts';
import { createSecretResolver } from '../../functions/reads/adapters/secrets.ts';
import { createDetectorState, defaultDetectorParams, updateDetector } from '../../functions/reads/domain/detector.ts';
import { createIngest } from '../../functions/reads/steps/ingest.ts';
import { loadServiceConfig } from '../../local/stack/service-config.ts';
import { ASSUMPTIONS, PRICES, simulatePipeline } from './pipeline-cost.ts';
import { writeFigures } from './support.ts';

const ACCOUNT = '123456789012';
const ACCESS_KEY = 'ASIAEXAMPLEKEY000001';
const SOURCE_IP = '10.0.3.21';
const USER_AGENT = 'aws-sdk-js/3.1162.0 ua/2.1 os/linux lang/js md/nodejs#24.21.0 api/secrets-manager#3.1162.0';

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

const BUCKET = 'smcp-bench-read-trail-123456789012-us-east-1';
const FILES_PER_BATCH = 10;

/** A read-only event of another service, as the trail holds it beside the reads (about 1 KB, like the reads). */
const otherRecord = (time: number): Record<string, unknown> => {
  const read = (
    JSON.parse(eventBody(secretArn(0), `arn:aws:sts::${ACCOUNT}:assumed-role/ops/i-0`, time)) as {
      detail: Record<string, unknown>;
    }
  ).detail;
  return {
    ...read,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    requestParameters: { instancesSet: {}, filterSet: {} },
  };
};

/** Log files of `reads` reads from the trace, each read followed by `othersPerRead` other events (on average). */
const logFiles = (reads: number, recordsPerFile: number, othersPerRead: number) => {
  const t = trace({ secrets: 5000, reads, durationMs: 3_600_000, seed: 1 });
  const files: { key: string; gzipped: Buffer; records: number; bytes: number }[] = [];
  let records: string[] = [];
  let carry = 0;
  const flush = () => {
    const json = `{"Records":[${records.join(',')}]}`;
    const n = String(files.length).padStart(16, '0');
    files.push({
      key: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/01/07/${ACCOUNT}_CloudTrail_us-east-1_20260107T1005Z_${n}.json.gz`,
      gzipped: gzipSync(json),
      records: records.length,
      bytes: json.length,
    });
    records = [];
  };
  for (const r of t) {
    records.push(
      JSON.stringify((JSON.parse(eventBody(secretArn(r.secret), r.principal, r.time)) as { detail: unknown }).detail),
    );
    for (carry += othersPerRead; carry >= 1; carry--) records.push(JSON.stringify(otherRecord(r.time)));
    if (records.length >= recordsPerFile) flush();
  }
  if (records.length > 0) flush();
  return files;
};

/**
 * An S3 client over objects in memory: GetObject streamed in 64 KB chunks as a socket would hand them over,
 * PutObject and ListObjectsV2 (by prefix) for the read objects.
 */
const s3InMemory = (objects: Map<string, Buffer>) =>
  ({
    send: async (command: { input: { Key?: string; Prefix?: string; Body?: Uint8Array } }) => {
      const { Key, Prefix, Body } = command.input;
      if (Body !== undefined && Key !== undefined) {
        objects.set(Key, Buffer.from(Body));
        return { ETag: '"0"' };
      }
      if (Prefix !== undefined)
        return {
          Contents: [...objects.keys()].filter((k) => k.startsWith(Prefix)).map((k) => ({ Key: k, ETag: '"0"' })),
        };
      const bytes = objects.get(Key ?? '') ?? Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
      const body = Readable.from(chunks);
      return { Body: Object.assign(body, { transformToByteArray: async () => new Uint8Array(bytes) }) };
    },
  }) as unknown as S3Client;

/** ingest-reads' step over `files`, in batches of ten notices, its read objects written to `written`. */
const ingestLogFiles = async (files: ReturnType<typeof logFiles>, written = new Map<string, Buffer>()) => {
  const ingest = createIngest({
    logFiles: createLogFiles({ s3: s3InMemory(new Map(files.map((f) => [f.key, f.gzipped]))) }),
    // Every read names its secret's full ARN: resolved without a call.
    resolver: createSecretResolver({ sm: {} as SecretsManagerClient }),
    counters: createCounters({ s3: s3InMemory(written), bucket: 'smcp-bench-read-state' }),
    deadLetters: { send: async () => {} },
    logger: new Logger({ logLevel: 'SILENT' }),
    trailBucket: BUCKET,
    account: ACCOUNT,
    region: 'us-east-1',
  });
  const batch = (slice: typeof files): SQSEvent => ({
    Records: slice.map((f, i) => ({
      messageId: `m-${i}`,
      body: JSON.stringify({
        version: '0',
        id: randomUUID(),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: ACCOUNT,
        time: '2026-01-07T10:05:30Z',
        region: 'us-east-1',
        resources: [`arn:aws:s3:::${BUCKET}`],
        detail: { version: '0', bucket: { name: BUCKET }, object: { key: f.key, size: f.gzipped.length } },
      }),
    })) as SQSEvent['Records'],
  });
  const started = process.hrtime.bigint();
  let records = 0;
  let reads = 0;
  for (let i = 0; i < files.length; i += FILES_PER_BATCH) {
    const summary = await ingest(batch(files.slice(i, i + FILES_PER_BATCH)));
    records += summary.records;
    reads += summary.reads;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { records, reads, seconds };
};

/** Records/s of the whole step over log files of ~5,000 records, half of them reads; and one 100+ MB file. */
const throughput = async (events: number) => {
  const files = logFiles(events, 5_000, 1);
  await ingestLogFiles(files.slice(0, 5)); // warm-up
  const run = await ingestLogFiles(files);
  const written = new Map<string, Buffer>();
  await ingestLogFiles(files.slice(0, 20), written);
  const gzipped = [...written.values()].reduce((n, b) => n + b.length, 0);
  const json = [...written.values()].reduce((n, b) => n + gunzipSync(b).length, 0);
  const logFile = {
    files: files.length,
    readObjectGzipRatio: Number((gzipped / json).toFixed(3)),
    records: run.records,
    reads: run.reads,
    seconds: Number(run.seconds.toFixed(3)),
    recordsPerSecond: Math.round(run.records / run.seconds),
    readsPerSecond: Math.round(run.reads / run.seconds),
    meanRecordBytes: Math.round(files.reduce((n, f) => n + f.bytes, 0) / run.records),
    meanGzippedRecordBytes: Number((files.reduce((n, f) => n + f.gzipped.length, 0) / run.records).toFixed(1)),
  };

  // One large file read alone: the heap it takes while it streams, sampled every 1,000 records, against its size.
  const [big] = logFiles(50_000, 110_000, 1);
  if (!big) throw new Error('no large file');
  const reader = createLogFiles({ s3: s3InMemory(new Map([[big.key, big.gzipped]])) });
  globalThis.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let n = 0;
  const started = process.hrtime.bigint();
  await reader.read(BUCKET, big.key, () => {
    if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const largeFile = {
    records: big.records,
    megabytes: Number((big.bytes / 1e6).toFixed(1)),
    gzippedMegabytes: Number((big.gzipped.length / 1e6).toFixed(1)),
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(big.records / seconds),
    peakHeapAboveBaselineMb: Number(((peak - baseline) / 1e6).toFixed(1)),
  };
  return { logFile, largeFile };
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

interface Measured {
  readonly gzippedRecordBytes: number;
  readonly cpuMsPerRecord: number;
  readonly readObjectGzipRatio: number;
  readonly ingestMemoryMb: number;
  readonly detectMemoryMb: number;
}

/** What one trace costs, priced by ./pipeline-cost.ts. */
const costOf = (
  name: string,
  options: TraceOptions,
  measured: Measured,
  detector: { msPerBucket: number; stateBytes: number; objectMsPerByte: number },
) => {
  const t = trace(options);
  const cost = simulatePipeline({
    reads: t.map((r) => ({ ...r, principal: `${r.principal}|${ACCESS_KEY}` })),
    arnOf: secretArn,
    sourceIp: SOURCE_IP,
    userAgent: USER_AGENT,
    region: 'us-east-1',
    gzippedRecordBytes: measured.gzippedRecordBytes,
    ingestMemoryMb: measured.ingestMemoryMb,
    detectMemoryMb: measured.detectMemoryMb,
    cpuMsPerRecord: measured.cpuMsPerRecord,
    detectorMsPerBucket: detector.msPerBucket,
    detectorStateBytes: detector.stateBytes,
    detectorObjectMsPerByte: detector.objectMsPerByte,
    readObjectGzipRatio: measured.readObjectGzipRatio,
  });
  return {
    trace: name,
    secrets: options.secrets,
    reads: options.reads,
    hours: options.durationMs / 3_600_000,
    cost,
  };
};

const main = async (args: string[] = []) => {
  const at = args.indexOf('--events');
  const events = at >= 0 ? Number(args[at + 1]) : 300_000;
  const speed = await throughput(events);
  const detector = detectorFigures();
  const measured: Measured = {
    // Per read: a log file holds the account's other read-only events too (here as many as reads), paid for here.
    gzippedRecordBytes: speed.logFile.meanGzippedRecordBytes * (speed.logFile.records / speed.logFile.reads),
    cpuMsPerRecord: 1000 / speed.logFile.readsPerSecond,
    readObjectGzipRatio: speed.logFile.readObjectGzipRatio,
    ingestMemoryMb: await memoryOf('ingest-reads'),
    detectMemoryMb: await memoryOf('detect-spikes'),
  };
  const traces = [
    costOf(
      'busy hour: 1M reads of 5,000 secrets in 1 h',
      { secrets: 5000, reads: 1_000_000, durationMs: 3_600_000, seed: 2 },
      measured,
      detector,
    ),
    costOf(
      'a day: 1M reads of 5,000 secrets in 24 h',
      { secrets: 5000, reads: 1_000_000, durationMs: 24 * 3_600_000, seed: 3 },
      measured,
      detector,
    ),
  ];
  const figures = {
    node: process.version,
    parseAndAggregate: { ...speed, filesPerBatch: FILES_PER_BATCH },
    detector,
    lambdaMemoryMb: { ingest: measured.ingestMemoryMb, detect: measured.detectMemoryMb },
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    traces,
    notes:
      'One core, in process. The step writes one read object per log file and hour (S3 in memory). Costs are ' +
      'estimates at list prices (no free tier), with Lambda duration modelled from the CPU time measured here and ' +
      'an assumed S3 latency; the log files are taken to hold as many other read-only events as reads.',
  };
  const file = writeFigures('ingest', figures);
  const { logFile, largeFile } = speed;
  console.log(
    `Log files (the ingest-reads step, one core): ${logFile.recordsPerSecond.toLocaleString('en-US')} records/s, ${logFile.readsPerSecond.toLocaleString('en-US')} reads/s (${logFile.files} files, ${logFile.records.toLocaleString('en-US')} records of ~${logFile.meanRecordBytes} B, ${logFile.meanGzippedRecordBytes} B gzipped; half of them other events)`,
  );
  console.log(
    `One ${largeFile.megabytes} MB log file (${largeFile.gzippedMegabytes} MB gzipped, ${largeFile.records.toLocaleString('en-US')} records): ${largeFile.seconds} s, ${largeFile.recordsPerSecond.toLocaleString('en-US')} records/s, peak heap ${largeFile.peakHeapAboveBaselineMb} MB above the baseline`,
  );
  const usd = (x: number) => `$${x.toFixed(4)}`;
  for (const t of traces) {
    const c = t.cost.perMillionReads;
    const d = c.dollars;
    console.log(
      `${t.trace}: ${t.cost.files.toLocaleString('en-US')} log files of ~${t.cost.meanRecordsPerFile.toLocaleString('en-US')} reads, ${t.cost.readObjects.toLocaleString('en-US')} read objects of ~${t.cost.meanReadObjectBytes.toLocaleString('en-US')} B; detectors fed ${t.cost.detectUpdates.toLocaleString('en-US')} times, their object saved ${t.cost.detectObjectSaves.toLocaleString('en-US')} times (~${Math.round(t.cost.detectObjectBytes / 1024).toLocaleString('en-US')} KB)`,
    );
    console.log(
      `  per 1,000,000 reads: ${c.s3Requests.toLocaleString('en-US')} S3 requests, ${c.sqsRequests.toLocaleString('en-US')} SQS requests, ${c.lambdaGbSeconds.toLocaleString('en-US')} Lambda GB-s (${c.lambdaInvocations.toLocaleString('en-US')} invocations)`,
    );
    console.log(
      `  estimated ${usd(c.totalDollars)} per 1,000,000 reads (S3 requests ${usd(d.s3Requests ?? 0)}, storage ${usd(d.s3Storage ?? 0)}, EventBridge ${usd(d.eventBridge ?? 0)}, SQS ${usd(d.sqs ?? 0)}, Lambda ${usd((d.lambdaDuration ?? 0) + (d.lambdaRequests ?? 0))}) = ${(t.cost.ratioToSecretsManager * 100).toFixed(2)}% of the $${c.secretsManagerDollars.toFixed(2)} Secrets Manager charges for them (goal ≤ 1%); detect-spikes: ${t.cost.detectMeanLoadsPerRun.toLocaleString('en-US')} secrets looked at, ${t.cost.detectMeanUpdatesPerRun.toLocaleString('en-US')} fed, ~${t.cost.detectMeanRunMs.toLocaleString('en-US')} ms a run`,
    );
  }
  console.log(`Prices: us-east-1 list prices as of ${PRICES.asOf} (scripts/bench/pipeline-cost.ts); estimates`);
  console.log(`Figures: ${file}`);
};

export { main };

// Ingest benchmark (`npm run bench -- ingest [--events N]`):
// 1. CloudTrail read events, as the read-events queue delivers them, parsed (JSON + the zod schema) and aggregated per
//    (secret, minute) and (secret, principal, minute) per second, on one core — the work ingest-reads does per batch.
// 2. DynamoDB writes per 1,000,000 reads on a realistic trace (many secrets with a long tail, a few hot ones, several
//    principals each), cut into batches as the SQS event source mapping would deliver them (batch size 5000, 60 s
//    batching window, 6 MB payload), against the one-write-per-read design, as a ratio.
// Queue messages are what the read-events rule's input transformer makes of each event (the local bus's transformer,
// with the rule file's template), and the whole event for comparison.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SQSRecord } from 'aws-lambda';
import { aggregateReads, countByPrincipal, minuteOf } from '../../functions/reads/domain/aggregate.ts';
import type { Read } from '../../functions/reads/domain/read-event.ts';
import { parseRecord } from '../../functions/reads/steps/ingest.ts';
import { type InputTransformer, transformInput } from '../../local/eventbridge/input-transformer.ts';
import { writeFigures } from './support.ts';

const ACCOUNT = '123456789012';
const BATCH_SIZE = 5000;
const BATCH_WINDOW_MS = 60_000;
const PAYLOAD_BYTES = 6 * 1024 * 1024;
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
        accessKeyId: 'ASIAEXAMPLEKEY000001',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: principal, accountId: ACCOUNT },
          attributes: { creationDate: '2026-01-07T00:00:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: `${new Date(time).toISOString().slice(0, 19)}Z`,
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      awsRegion: 'us-east-1',
      sourceIPAddress: '10.0.3.21',
      userAgent: 'aws-sdk-js/3.1162.0 ua/2.1 os/linux lang/js md/nodejs#24.21.0 api/secrets-manager#3.1162.0',
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

/**
 * Writes for one trace: per batch, one conditional write per (secret, minute) bucket (its per-principal counts ride
 * along as attributes) and one per minute for the active-secrets list; plus one read per bucket (the version and
 * ids read before the conditional write). A batch closes at 5,000 records, 60 s or 6 MB, whichever comes first.
 */
const writesFor = (name: string, options: TraceOptions, messageBytes: number) => {
  const t = trace(options);
  const maxRecords = Math.min(BATCH_SIZE, Math.floor(PAYLOAD_BYTES / (messageBytes + 600)));
  let writes = 0;
  let readsBeforeWrite = 0;
  let batches = 0;
  let i = 0;
  while (i < t.length) {
    const opened = t[i]?.time ?? 0;
    const buckets = new Set<string>();
    const minutes = new Set<number>();
    let n = 0;
    for (; i < t.length && n < maxRecords && (t[i]?.time ?? 0) - opened < BATCH_WINDOW_MS; i++, n++) {
      const r = t[i];
      if (!r) break;
      const minute = minuteOf(r.time);
      buckets.add(`${r.secret} ${minute}`);
      minutes.add(minute);
    }
    batches++;
    readsBeforeWrite += buckets.size;
    writes += buckets.size + minutes.size;
  }
  // The floor for per-minute counters: one write per (secret, minute) that had reads at all. detect-spikes writes as
  // many detector states: one per secret read in a closed minute.
  const secretMinutes = new Set(t.map((r) => `${r.secret} ${minuteOf(r.time)}`)).size;
  const perMillion = (x: number) => Math.round((x / options.reads) * 1_000_000);
  return {
    trace: name,
    secrets: options.secrets,
    reads: options.reads,
    hours: options.durationMs / 3_600_000,
    batches,
    meanBatch: Math.round(options.reads / batches),
    ingestWritesPerMillionReads: perMillion(writes),
    ingestReadsPerMillionReads: perMillion(readsBeforeWrite),
    floorWritesPerMillionReads: perMillion(secretMinutes),
    detectWritesPerMillionReads: perMillion(secretMinutes),
    ratioToOneWritePerRead: Number((writes / options.reads).toFixed(4)),
  };
};

const main = async (args: string[] = []) => {
  const at = args.indexOf('--events');
  const events = at >= 0 ? Number(args[at + 1]) : 300_000;
  const speed = throughput(events);
  const traces = [
    writesFor(
      'busy hour: 1M reads of 5,000 secrets in 1 h',
      {
        secrets: 5000,
        reads: 1_000_000,
        durationMs: 3_600_000,
        seed: 2,
      },
      speed.trimmed.meanMessageBytes,
    ),
    writesFor(
      'a day: 1M reads of 5,000 secrets in 24 h',
      {
        secrets: 5000,
        reads: 1_000_000,
        durationMs: 24 * 3_600_000,
        seed: 3,
      },
      speed.trimmed.meanMessageBytes,
    ),
  ];
  const figures = {
    node: process.version,
    parseAndAggregate: { ...speed, batchSize: BATCH_SIZE, target: 100_000 },
    writes: traces,
    notes:
      'One core, in process. Writes: per batch one conditional UpdateItem per (secret, minute) carrying the ' +
      'per-principal ADDs, one per minute for the active-secrets list; the one-write-per-read design needs ' +
      '1,000,000 writes (plus its dedup). The floor is one write per (secret, minute) with reads.',
  };
  const file = writeFigures('ingest', figures);
  for (const [shape, m] of Object.entries(speed)) {
    console.log(
      `Parse + aggregate (${shape}): ${m.eventsPerSecond.toLocaleString('en-US')} events/s on one core (${m.events.toLocaleString('en-US')} messages of ~${m.meanMessageBytes} B, batches of ${BATCH_SIZE}; target 100,000)`,
    );
  }
  for (const t of traces) {
    console.log(
      `${t.trace}: ${t.ingestWritesPerMillionReads.toLocaleString('en-US')} writes per 1,000,000 reads (ratio ${t.ratioToOneWritePerRead} of one write per read), mean batch ${t.meanBatch}; floor ${t.floorWritesPerMillionReads.toLocaleString('en-US')}; detector ${t.detectWritesPerMillionReads.toLocaleString('en-US')} writes`,
    );
  }
  console.log(`Figures: ${file}`);
};

export { main };

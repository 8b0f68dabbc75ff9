import { randomUUID } from 'node:crypto';
// Helpers for the read-spike scenarios: readers with their own credentials (a new access key id is a new principal
// in the CloudTrail event the emulator records) and the counters as the detector will see them.
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createCounters } from '../../functions/reads/adapters/counters.ts';
import { createDetectorStore } from '../../functions/reads/adapters/detector-store.ts';
import { dedupIdOf } from '../../functions/reads/domain/aggregate.ts';
import { createDetectorState, defaultDetectorParams, updateDetector } from '../../functions/reads/domain/detector.ts';
import type { Read } from '../../functions/reads/domain/read-event.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, replayScenario } from '../../local/replay/engine.ts';
import { loadRecordedEvents } from '../../local/replay/load.ts';
import { awaitingCallback } from '../../local/settle.ts';
import type { TestCloud } from '../support/local-cloud.ts';
import { readsNames } from './names.ts';

const reader = (cloud: TestCloud, accessKeyId: string, userAgent = `app/${accessKeyId}`) =>
  new SecretsManagerClient({
    endpoint: cloud.cloud.url,
    region: 'us-east-1',
    maxAttempts: 1,
    customUserAgent: userAgent,
    credentials: { accessKeyId, secretAccessKey: 'test' },
  });

const createSecret = async (cloud: TestCloud, name: string, tags: Record<string, string> = {}): Promise<string> => {
  const out = await cloud.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: 'not-a-real-value',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return out.ARN ?? '';
};

/** `count` reads of `secretId`, spread evenly over the current minute of the clock, from one reader. */
const readFor = async (client: SecretsManagerClient, secretId: string, count: number): Promise<void> => {
  for (let i = 0; i < count; i++) await client.send(new GetSecretValueCommand({ SecretId: secretId }));
};

type Detail = Record<string, unknown>;

interface PutEntry {
  readonly DetailType: string;
  readonly Detail: Detail;
}

/** Keeps every event put through the PutEvents API (detect-spikes, the workflows, the approval steps), in order. */
const recordPutEvents = (cloud: TestCloud): PutEntry[] => {
  const put: PutEntry[] = [];
  cloud.cloud.bus.tap((event, via) => {
    if (via === 'PutEvents') put.push({ DetailType: event['detail-type'], Detail: event.detail as Detail });
  });
  return put;
};

const detailOf = (event: unknown, key: string): Detail | undefined => {
  const text = (event as Record<string, { input?: string; output?: string } | undefined> | undefined)?.[key];
  const raw = text?.input ?? text?.output;
  return raw === undefined ? undefined : (JSON.parse(raw) as Detail);
};

/**
 * Each read-anomaly-response execution about `secretArn`: status, whether it waits for a callback (an approval),
 * input, the assessment step's output, the states it entered and its output.
 */
const responsesOf = (cloud: TestCloud, secretArn: string) =>
  cloud.cloud.stepfunctions
    .executions()
    .filter((e) => e.stateMachineArn.endsWith('-read-anomaly-response'))
    .map((e) => {
      const history = cloud.cloud.stepfunctions.history(e.executionArn);
      const find = (type: string) => history.find((h) => h.type === type);
      return {
        status: e.status,
        awaitingCallback: e.status === 'RUNNING' && awaitingCallback(history),
        input: detailOf(find('ExecutionStarted'), 'executionStartedEventDetails') ?? {},
        assessment: detailOf(find('LambdaFunctionSucceeded'), 'lambdaFunctionSucceededEventDetails') ?? {},
        states: history
          .filter((h) => h.type.endsWith('StateEntered'))
          .map((h) => String((h as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name)),
        output: detailOf(find('ExecutionSucceeded'), 'executionSucceededEventDetails'),
      };
    })
    .filter((e) => e.input.secretId === secretArn);

/** A decision on an approval through Lambda's Invoke API, as `aws lambda invoke … <approve function>` sends it. */
const decideApproval = async (
  cloud: TestCloud,
  decision: { approvalId: string; decision: 'approve' | 'reject'; approver: string },
): Promise<Detail> => {
  const approve = readsNames(cloud.cloud.stack).approveFunction;
  const response = await fetch(`${cloud.cloud.url}/2015-03-31/functions/${approve}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(decision),
  });
  if (response.status !== 200 || response.headers.get('x-amz-function-error')) {
    throw new Error(`approve answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as Detail;
};

/** The top reader in events/recorded/reads-quarantine's spike. */
const SUSPECT = 'arn:aws:iam::000000000000:user/ci-deployer';

/**
 * A secret with `tags` and a `Read Spike Detected` for it (events/recorded/reads-quarantine's, under a fresh event id),
 * with the window's counters as ingest-reads would have written them, replayed until nothing can progress. Spikes are
 * put on the bus as detect-spikes would, so no schedule has to run.
 */
const publishSpike = async (
  cloud: TestCloud,
  name: string,
  tags: Record<string, string>,
  /** Runs once the secret exists, before the spike (e.g. to give it a resource policy). */
  before?: (arn: string) => Promise<unknown>,
): Promise<string> => {
  const arn = await createSecret(cloud, name, tags);
  await before?.(arn);
  const [recorded] = loadRecordedEvents(['events/recorded/reads-quarantine']);
  if (!recorded) throw new Error('the recorded spike is missing');
  const event = JSON.parse(JSON.stringify(recorded.event).replaceAll(recorded.event.resources[0] ?? '', arn));
  await writeCounts(cloud, arn, [
    {
      minute: Date.parse(event.detail.windowStart),
      principals: {
        [`${SUSPECT}|AKIANEWPRINCIPAL0001`]: { count: 100, sourceIp: '198.51.100.7', userAgent: 'curl/8.5' },
        'arn:aws:sts::000000000000:assumed-role/payments-app/i-0abc': 5,
      },
    },
  ]);
  // A fresh event id per scenario: dispatch starts one execution per event id.
  await replayScenario(inProcess(cloud.cloud), {
    setup: { secrets: [] },
    events: [{ file: recorded.file, event: { ...event, id: randomUUID() } as BusEvent }],
    expected: {},
  });
  return arn;
};

export type { PutEntry };
export { createSecret, decideApproval, publishSpike, reader, readFor, recordPutEvents, responsesOf, SUSPECT };

// --- detector seeding -------------------------------------------------------------------------------------------
// A real secret needs 12 hours of history before its detector may score (warm-up). Scenarios that are about what
// happens after warm-up seed the detector table with the state the detector reaches on a synthetic history, then
// send real reads through the pipeline. The history is fed through the same pure detector the Lambda uses.

const MINUTE = 60_000;

/** Deterministic Poisson-like counts around `mean(t)`. */
const syntheticCounts = (from: number, to: number, mean: (t: number) => number, seed = 7) => {
  let s = seed;
  const uniform = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (s + 1) / 2_147_483_649;
  };
  const out: { timestamp: number; count: number }[] = [];
  for (let t = from; t <= to; t += MINUTE) {
    const m = mean(t);
    const gauss = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    out.push({ timestamp: t, count: Math.max(0, Math.round(m + Math.sqrt(m) * gauss)) });
  }
  return out;
};

/** The detector state reached after `days` of history ending with the minute before `until`. */
const seededState = (until: number, mean: (t: number) => number, days = 3) => {
  let state = createDetectorState();
  const last = until - MINUTE;
  for (const bucket of syntheticCounts(until - days * 24 * 60 * MINUTE, last, mean)) {
    state = updateDetector(state, bucket, defaultDetectorParams).state;
  }
  return { state, last };
};

/** Stores that state in the local cloud's detector table, as detect-spikes would have after those days. */
const seedDetector = async (
  cloud: TestCloud,
  secretArn: string,
  until: number,
  mean: (t: number) => number,
  days = 3,
): Promise<void> => {
  const { state, last } = seededState(until, mean, days);
  const store = detectorStore(cloud);
  const snapshot = await store.load();
  snapshot.detectors.set(secretArn, { state, last });
  await store.save(snapshot, last);
};

/** The stack's read counters, through the adapter the functions use (a fresh one: no cached objects). */
const countersOf = (cloud: TestCloud) =>
  createCounters({ s3: cloud.clients.s3, bucket: readsNames(cloud.cloud.stack).stateBucket });

const detectorStore = (cloud: TestCloud) =>
  createDetectorStore({ s3: cloud.clients.s3, bucket: readsNames(cloud.cloud.stack).stateBucket });

type Origin = number | { count: number; sourceIp: string; userAgent: string };

/** Reads of a secret in one minute, per principal (with where they came from when not the default). */
const readsIn = (secretArn: string, minute: number, principals: Record<string, Origin>) => {
  const reads = new Map<string, Read>();
  for (const [principal, value] of Object.entries(principals)) {
    const { count, sourceIp, userAgent } =
      typeof value === 'number' ? { count: value, sourceIp: '10.0.3.21', userAgent: 'aws-sdk-js/3' } : value;
    for (let i = 0; i < count; i++) {
      const eventId = randomUUID();
      reads.set(dedupIdOf(eventId), {
        recordId: 'seeded',
        eventId,
        secretId: secretArn,
        time: minute + i,
        principal,
        sourceIp,
        userAgent,
        region: 'us-east-1',
      });
    }
  }
  return { secretArn, minute, reads, recordIds: new Set(['seeded']) };
};

/**
 * Reads of a secret written as ingest-reads would have from one log file of their own: per minute, the count of each
 * principal (by default from 10.0.3.21 with aws-sdk-js/3 in us-east-1).
 */
const writeCounts = async (
  cloud: TestCloud,
  secretArn: string,
  minutes: readonly { readonly minute: number; readonly principals: Record<string, Origin> }[],
): Promise<void> => {
  await countersOf(cloud).writeFile(
    `seeded/${randomUUID()}`,
    minutes.map(({ minute, principals }) => readsIn(secretArn, minute, principals)),
  );
};

/** A secret's counted minutes in the two days around the clock: minute (ISO), reads, reads per principal. */
const countedMinutes = async (cloud: TestCloud, secretArn: string) => {
  const now = cloud.clock.now().getTime();
  const [usage] = await countersOf(cloud).usage(now - 2 * 86_400_000, now + 86_400_000, secretArn);
  return (usage?.minutes ?? []).map((m) => ({
    minute: new Date(m.minute).toISOString(),
    n: m.reads,
    principals: m.principals,
  }));
};

export { countedMinutes, countersOf, detectorStore, MINUTE, seedDetector, seededState, syntheticCounts, writeCounts };

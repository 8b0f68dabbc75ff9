// The one replay engine, behind the demo (`npm start`), `smcp replay` and the scenario tests: it creates a scenario's
// setup.json secrets, puts its recorded events on the bus verbatim (ids kept, so a duplicate delivery stays one
// execution), runs the cloud until nothing can progress, and returns the executions (with their history) and every
// event the bus saw meanwhile. Callers format or assert; the engine prints nothing.
//
// CloudTrail records among the events (`AWS API Call via CloudTrail`, reads included) reach the local trail the way
// the emulators' own records do, through the bus; after each recorded file the engine has the trail write its log
// file at once. So recorded reads reach ingest-reads as AWS delivers them, in a log file per recorded file (a recording
// of the same records in two files is CloudTrail delivering them twice).
//
// A target is a local cloud in this process (inProcess) or a running `smcp local` reached through its /_smcp/ routes
// (overHttp): the same steps either way.
import { randomUUID } from 'node:crypto';
import type { LocalCloud } from '../cloud.ts';
import type { BusEvent } from '../eventbridge/bus.ts';
import { type SettledExecution, settle } from '../settle.ts';
import { loadExpectations, loadRecordedEvents, type RecordedEvent, type ScenarioExpectation } from './load.ts';
import { applySetup, loadSetup, type ScenarioSetup } from './setup.ts';

interface Scenario {
  /** Secrets to create first (setup.json). */
  readonly setup: ScenarioSetup;
  /** In the order they are put on the bus. */
  readonly events: readonly RecordedEvent[];
  /** What each workflow's executions should end as (expect.json); the engine does not judge, callers may. */
  readonly expected: ScenarioExpectation;
}

/** Where a replay runs. */
interface ReplayTarget {
  /** The endpoint the setup's secrets are created through. */
  readonly url: string;
  /** The target's clock: executions started from then on are the replay's. */
  now(): Promise<Date>;
  /** The ARNs of the executions that exist now (a manual clock may not have moved since they started). */
  executionArns(): Promise<string[]>;
  /** Starts listening to the bus; the returned function stops and hands back what it heard, in order. */
  listen(): Promise<() => Promise<BusEvent[]>>;
  /** Puts events on the bus as they are; how many rules each matched. */
  publish(events: readonly BusEvent[]): Promise<number[]>;
  /** Has the local trail write its pending log files now (cloud.cloudTrail.deliver()); their keys. */
  deliverTrail(): Promise<string[]>;
  settle(since: Date, timeoutMs: number): Promise<SettledExecution[]>;
}

interface ReplayOptions {
  /** New ids for the events (the same recording replayed twice against one cloud then starts new executions). */
  readonly freshIds?: boolean;
  /** How long settling may take; with a manual clock it is rarely more than real milliseconds. */
  readonly timeoutMs?: number;
  /** Events per publish (a remote target gets one request per batch). */
  readonly batchSize?: number;
  /** Runs once the setup's secrets exist, before any event (the demo reads a secret; the CLI counts dead letters). */
  readonly beforeEvents?: (created: readonly string[]) => Promise<void> | void;
  /** Called after each batch is on the bus. */
  readonly onPublished?: (batch: readonly PublishedEvent[], done: number, total: number) => void;
}

interface PublishedEvent {
  readonly file: string;
  readonly event: BusEvent;
  /** Rules whose pattern matched it. */
  readonly matched: number;
}

interface ReplayRun {
  /** Secrets the setup created (those that existed already are left as they are). */
  readonly created: string[];
  readonly published: PublishedEvent[];
  /** The executions started during the replay, oldest first, each with its history. */
  readonly executions: SettledExecution[];
  /** Every event put on the bus during the replay, the replayed ones included, in order. */
  readonly events: BusEvent[];
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_BATCH = 200;
const CLOUDTRAIL_TYPES: ReadonlySet<string> = new Set([
  'AWS API Call via CloudTrail',
  'AWS Service Event via CloudTrail',
]);

/**
 * The events in runs of one recorded file each, in order: a batch ends after a file with CloudTrail records, whose log
 * file is written before the next file's events go out.
 */
const byFile = (events: readonly RecordedEvent[]): RecordedEvent[][] => {
  const runs: RecordedEvent[][] = [];
  for (const recorded of events) {
    const last = runs.at(-1);
    if (last && last[0]?.file === recorded.file) last.push(recorded);
    else runs.push([recorded]);
  }
  return runs;
};

/** A scenario from files and folders: events (recursively, in name order), setup.json and expect.json. */
const loadScenario = (paths: readonly string[]): Scenario => ({
  setup: loadSetup(paths),
  events: loadRecordedEvents(paths),
  expected: loadExpectations(paths),
});

const inProcess = (cloud: LocalCloud): ReplayTarget => ({
  url: cloud.url,
  now: async () => cloud.clock.now(),
  executionArns: async () => cloud.stepfunctions.executions().map((e) => e.executionArn),
  listen: async () => {
    const heard: BusEvent[] = [];
    const stop = cloud.bus.tap((event) => heard.push(event));
    return async () => {
      stop();
      return heard;
    };
  },
  publish: async (events) => events.map((event) => cloud.bus.publish(event)),
  deliverTrail: () => cloud.cloudTrail.deliver(),
  settle: (since, timeoutMs) => settle(cloud, { since, timeoutMs }),
});

const overHttp = (endpoint: string): ReplayTarget => {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).catch((error: Error) => {
      throw new Error(
        `No local cloud answers at ${endpoint} (${error.message}); start one with \`npm start\` or omit --endpoint`,
      );
    });
    const parsed = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${String(parsed.error ?? response.status)}`);
    return parsed;
  };
  return {
    url: endpoint,
    now: async () => new Date(String((await call('GET', '/_smcp/health')).now)),
    executionArns: async () =>
      ((await call('GET', '/_smcp/executions')).executions as { executionArn: string }[]).map((e) => e.executionArn),
    // The bus counts what it admits; what came after the count is what the replay heard.
    listen: async () => {
      const from = Number((await call('GET', '/_smcp/health')).events ?? 0);
      return async () => (await call('POST', '/_smcp/events/since', { count: from })).events as BusEvent[];
    },
    publish: async (events) => (await call('POST', '/_smcp/events', { events })).matched as number[],
    deliverTrail: async () => (await call('POST', '/_smcp/trail/deliver', {})).keys as string[],
    settle: async (since, timeoutMs) =>
      (await call('POST', '/_smcp/settle', { since: since.toISOString(), timeoutMs })).executions as SettledExecution[],
  };
};

const replayScenario = async (
  target: ReplayTarget,
  scenario: Scenario,
  options: ReplayOptions = {},
): Promise<ReplayRun> => {
  const created = await applySetup(target.url, scenario.setup);
  await options.beforeEvents?.(created);
  const since = await target.now();
  const before = new Set(await target.executionArns());
  const stopListening = await target.listen();
  const events = scenario.events.map((recorded) =>
    options.freshIds ? { ...recorded, event: { ...recorded.event, id: randomUUID() } } : recorded,
  );
  const published: PublishedEvent[] = [];
  const size = options.batchSize ?? DEFAULT_BATCH;
  try {
    let pending: RecordedEvent[] = [];
    const publishPending = async () => {
      for (let i = 0; i < pending.length; i += size) {
        const batch = pending.slice(i, i + size);
        const matched = await target.publish(batch.map(({ event }) => event));
        const done = batch.map((recorded, j) => ({ ...recorded, matched: matched[j] ?? 0 }));
        published.push(...done);
        options.onPublished?.(done, published.length, events.length);
      }
      pending = [];
    };
    for (const run of byFile(events)) {
      pending.push(...run);
      if (!run.some(({ event }) => CLOUDTRAIL_TYPES.has(event['detail-type']))) continue;
      // The file's CloudTrail records are in the trail's buffer once on the bus: one log file of them now.
      await publishPending();
      await target.deliverTrail();
    }
    await publishPending();
    const executions = (await target.settle(since, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)).filter(
      (e) => !before.has(e.executionArn),
    );
    return { created, published, executions, events: await stopListening() };
  } catch (error) {
    await stopListening().catch(() => undefined);
    throw error;
  }
};

export type { PublishedEvent, ReplayOptions, ReplayRun, ReplayTarget, Scenario };
export { inProcess, loadScenario, overHttp, replayScenario };

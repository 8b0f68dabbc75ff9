// `smcp replay`: puts recorded events on a local bus, waits for the executions they start, prints their timelines.
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createManualClock } from '../clock.ts';
import { type LocalCloud, startLocalCloud } from '../cloud.ts';
import type { SettledExecution } from '../settle.ts';
import { loadExpectations, loadRecordedEvents } from './load.ts';
import { applySetup, loadSetup } from './setup.ts';
import { formatTimeline, type HistoryEventLike } from './timeline.ts';

interface ReplayOptions {
  readonly paths: readonly string[];
  /** A running local cloud; without one, an embedded cloud with a manual clock is started for the run. */
  readonly endpoint?: string;
  readonly json?: boolean;
  /** Give each event a new id (replaying the same recording twice against one cloud then starts new executions). */
  readonly freshIds?: boolean;
  readonly timeoutMs?: number;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

interface ReplayReport {
  readonly events: number;
  readonly executions: SettledExecution[];
  readonly deadLetters: number;
  readonly unexpected: string[];
  readonly ok: boolean;
}

const PROGRESS_EVERY = 200;

const post = async (endpoint: string, path: string, body: unknown) => {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch((error: Error) => {
    throw new Error(
      `No local cloud answers at ${endpoint} (${error.message}); start one with \`npm start\` or omit --endpoint`,
    );
  });
  const parsed = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${String(parsed.error ?? response.status)}`);
  return parsed;
};

const countDeadLetters = async (endpoint: string): Promise<number> => {
  const sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
  let total = 0;
  for (const url of QueueUrls.filter((u) => /dead-letters?$/.test(u))) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    total += Number(Attributes.ApproximateNumberOfMessages ?? 0);
  }
  sqs.destroy();
  return total;
};

const replay = async (options: ReplayOptions): Promise<ReplayReport> => {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  const recorded = loadRecordedEvents(options.paths);
  const expected = loadExpectations(options.paths).executions ?? {};
  const setup = loadSetup(options.paths);
  let cloud: LocalCloud | undefined;
  let endpoint = options.endpoint ?? process.env.SMCP_ENDPOINT;
  if (!endpoint) {
    // Quiet services: the timeline is the output. Waits and backoffs are skipped by the manual clock.
    // Handler logs at ERROR only: the timeline (or the JSON report) is the output.
    cloud = await startLocalCloud({
      clock: createManualClock(new Date()),
      log: () => {},
      logLevel: options.json ? 'SILENT' : 'ERROR',
    });
    endpoint = cloud.url;
  }
  try {
    const created = await applySetup(endpoint, setup);
    if (created.length > 0) err(`replay: created ${created.join(', ')} from setup.json`);
    const deadLettersBefore = await countDeadLetters(endpoint);
    const since = new Date(((await (await fetch(`${endpoint}/_smcp/health`)).json()) as { now: string }).now);
    for (let i = 0; i < recorded.length; i += PROGRESS_EVERY) {
      const batch = recorded
        .slice(i, i + PROGRESS_EVERY)
        .map(({ event }) => (options.freshIds ? { ...event, id: randomUUID() } : event));
      await post(endpoint, '/_smcp/events', { events: batch });
      if (recorded.length > PROGRESS_EVERY)
        err(`replay: ${Math.min(i + PROGRESS_EVERY, recorded.length)}/${recorded.length} events published`);
    }
    const settled = (
      await post(endpoint, '/_smcp/settle', { since: since.toISOString(), timeoutMs: options.timeoutMs ?? 120_000 })
    ).executions as SettledExecution[];
    const deadLetters = (await countDeadLetters(endpoint)) - deadLettersBefore;

    const unexpected: string[] = [];
    const statusOf = (e: SettledExecution) => (e.awaitingCallback ? 'WAITING' : e.status);
    for (const execution of settled) {
      const allowed = expected[execution.workflow] ?? ['SUCCEEDED'];
      if (!allowed.includes(statusOf(execution))) {
        unexpected.push(
          `${execution.workflow} ${execution.name} ended ${statusOf(execution)}, expected ${allowed.join(' or ')}`,
        );
      }
    }
    for (const workflow of Object.keys(expected)) {
      if (!settled.some((e) => e.workflow === workflow)) unexpected.push(`no ${workflow} execution started`);
    }
    const report = {
      events: recorded.length,
      executions: settled,
      deadLetters,
      unexpected,
      ok: unexpected.length === 0,
    };

    if (options.json) {
      out(JSON.stringify(report, null, 2));
    } else {
      for (const execution of settled) {
        out(formatTimeline({ ...execution, status: statusOf(execution) }, execution.history as HistoryEventLike[]));
        out('');
      }
      out(`${recorded.length} events replayed, ${settled.length} executions, ${deadLetters} new dead letters`);
      if (settled.length === 0)
        out('No workflow execution started: check the dead-letter queue and the rule patterns.');
      for (const line of unexpected) out(`unexpected: ${line}`);
    }
    return report;
  } finally {
    await cloud?.stop();
  }
};

export type { ReplayOptions, ReplayReport };
export { replay };

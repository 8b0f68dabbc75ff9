// `smcp replay`: the replay engine against a running local cloud (--endpoint) or an embedded one, then the report:
// each execution as a timeline (or JSON), new dead letters, and what did not end as the scenario's expect.json says.
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createManualClock } from '../clock.ts';
import { type LocalCloud, startLocalCloud } from '../cloud.ts';
import { printWarnings } from '../lambda/warnings.ts';
import type { SettledExecution } from '../settle.ts';
import { inProcess, loadScenario, overHttp, replayScenario } from './engine.ts';
import { formatTimeline, type HistoryEventLike } from './timeline.ts';

interface ReplayOptions {
  readonly paths: readonly string[];
  /** A running local cloud; without one, an embedded cloud with a manual clock is started for the run. */
  readonly endpoint?: string;
  readonly json?: boolean;
  /** Give each event a new id (replaying the same recording twice against one cloud then starts new executions). */
  readonly freshIds?: boolean;
  readonly timeoutMs?: number;
  /** An embedded cloud prints its functions' JSON logs (else only their warnings, one line each, on `err`). */
  readonly verbose?: boolean;
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

const statusOf = (e: SettledExecution) => (e.awaitingCallback ? 'WAITING' : e.status);

/** What did not end as expected: by default every execution should succeed. */
const unexpectedOutcomes = (executions: readonly SettledExecution[], expected: Record<string, string[]>) => {
  const unexpected: string[] = [];
  for (const execution of executions) {
    const allowed = expected[execution.workflow] ?? ['SUCCEEDED'];
    if (!allowed.includes(statusOf(execution))) {
      unexpected.push(
        `${execution.workflow} ${execution.name} ended ${statusOf(execution)}, expected ${allowed.join(' or ')}`,
      );
    }
  }
  for (const workflow of Object.keys(expected)) {
    if (!executions.some((e) => e.workflow === workflow)) unexpected.push(`no ${workflow} execution started`);
  }
  return unexpected;
};

const replay = async (options: ReplayOptions): Promise<ReplayReport> => {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  const scenario = loadScenario(options.paths);
  const endpoint = options.endpoint ?? process.env.SMCP_ENDPOINT;
  let cloud: LocalCloud | undefined;
  if (!endpoint) {
    // Quiet services: the timeline (or the JSON report) is the output, so the functions' logs are not printed, only
    // their warnings, one line each (--verbose prints the logs as they come). Waits and backoffs are skipped by the
    // manual clock.
    cloud = await startLocalCloud({
      clock: createManualClock(new Date()),
      log: () => {},
      ...(options.verbose
        ? {}
        : {
            logLevel: options.json ? 'SILENT' : 'WARN',
            functionLogs: { onLine: printWarnings(err) },
          }),
    });
  }
  try {
    const target = cloud ? inProcess(cloud) : overHttp(endpoint ?? '');
    let deadLettersBefore = 0;
    const total = scenario.events.length;
    const run = await replayScenario(target, scenario, {
      freshIds: options.freshIds ?? false,
      timeoutMs: options.timeoutMs ?? 120_000,
      batchSize: PROGRESS_EVERY,
      beforeEvents: async (created) => {
        if (created.length > 0) err(`replay: created ${created.join(', ')} from setup.json`);
        deadLettersBefore = await countDeadLetters(target.url);
      },
      onPublished: (_batch, done) => {
        if (total > PROGRESS_EVERY) err(`replay: ${done}/${total} events published`);
      },
    });
    const deadLetters = (await countDeadLetters(target.url)) - deadLettersBefore;
    const unexpected = unexpectedOutcomes(run.executions, scenario.expected.executions ?? {});
    const report = { events: total, executions: run.executions, deadLetters, unexpected, ok: unexpected.length === 0 };

    if (options.json) {
      out(JSON.stringify(report, null, 2));
    } else {
      for (const execution of run.executions) {
        out(formatTimeline({ ...execution, status: statusOf(execution) }, execution.history as HistoryEventLike[]));
        out('');
      }
      out(`${total} events replayed, ${run.executions.length} executions, ${deadLetters} new dead letters`);
      if (run.executions.length === 0)
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

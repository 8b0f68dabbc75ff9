// `smcp replicas [<secret>] [--dry-run] [--json] [--endpoint URL]`: runs the replica scan now (or repairs one secret),
// waits for it and for the executions it continues in, and prints what it found and did: a table (secret, region,
// status before, action, status after) or, with --json, one JSON document. It starts the replica-repair state machine
// directly (StartExecution, name `cli-<uuid>`, a `cli` trigger), so it knows the execution to wait for and a refusal
// is an immediate error. Exit 0 when the scan ran, whatever it found; 1 when it could not run; 2 on bad usage.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { localClientConfig, localEndpoint, unreachable } from './client-config.ts';
import { resolveStack } from './stack.ts';

interface Row {
  readonly secretId: string;
  readonly name: string;
  readonly region: string;
  readonly statusBefore: string;
  readonly action: string;
  readonly statusAfter: string;
  readonly outcome: string;
  readonly class?: string;
  readonly reason?: string;
}

interface ExecutionOutput {
  readonly scanId: string;
  readonly sequence: number;
  readonly dryRun: boolean;
  readonly counts: { pages: number; listed: number; described: number; items: number };
  readonly rows: Row[];
  readonly continuedAs?: string;
}

interface ReplicasIo {
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  /** Between two looks at a running execution (default: half a second; tests advance their clock instead). */
  readonly pause?: () => Promise<void>;
  /** Stop waiting after this long (ms of pauses), default an hour. */
  readonly timeoutMs?: number;
}

const USAGE = 'usage: smcp replicas [<secret>] [--dry-run] [--json] [--endpoint URL] [--stage NAME]';
const POLL_MS = 500;
const PROGRESS_EVERY = 20;

class UsageError extends Error {}

// Names and reasons come from the account: keep control and bidi characters out of the terminal.
const clean = (text: string) => text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ');

const table = (rows: readonly Row[]): string[] => {
  const header = ['SECRET', 'REGION', 'STATUS BEFORE', 'ACTION', 'STATUS AFTER'];
  const cells = rows.map((r) => [
    clean(r.name),
    r.region,
    r.statusBefore,
    r.outcome === 'in-sync' || r.outcome === r.action ? r.action : `${r.action} (${r.outcome})`,
    r.statusAfter,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)];
};

const OPTIONS = {
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  endpoint: { type: 'string' },
  stage: { type: 'string', default: 'local' },
} as const;

const parseOrExplain = (args: string[]) => {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

const parse = (args: string[]) => {
  const { values, positionals } = parseOrExplain(args);
  if (positionals.length > 1) throw new UsageError(`replicas takes at most one secret, got ${positionals.length}`);
  const [secret] = positionals;
  if (secret !== undefined && (secret.trim() === '' || secret.length > 2048))
    throw new UsageError('the secret must be a name or an ARN');
  return { secret, values };
};

const run = async (args: string[], io: Required<Pick<ReplicasIo, 'out' | 'err'>> & ReplicasIo): Promise<number> => {
  const { secret, values } = parse(args);
  const endpoint = localEndpoint(values.endpoint);
  const stack = await resolveStack({ stage: values.stage, endpoint });
  const machine = stack.stateMachines.find((m) => m.key === 'replica-repair');
  if (!machine) throw new Error(`stage ${values.stage} declares no replica-repair state machine`);
  const sfn = new SFNClient({ ...localClientConfig(endpoint), maxAttempts: 3 });
  const pause = io.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, POLL_MS)));
  try {
    const eventId = randomUUID();
    const requestedBy = `${userInfo().username} (smcp replicas)`;
    const input = {
      trigger: {
        rule: 'cli',
        eventId,
        source: 'smcp.cli',
        detailType: 'Replica Scan Requested',
        time: new Date().toISOString(),
        region: localClientConfig(endpoint).region,
        account: '000000000000',
      },
      secretId: secret ?? null,
      detail: { requestedBy, ...(secret ? { secretId: secret } : {}), ...(values['dry-run'] ? { dryRun: true } : {}) },
      dryRun: values['dry-run'],
    };
    const started = await sfn
      .send(
        new StartExecutionCommand({
          stateMachineArn: machine.arn,
          name: `cli-${eventId}`,
          input: JSON.stringify(input),
        }),
      )
      .catch((error: unknown) => {
        if ((error as Error).name === 'StateMachineDoesNotExist')
          throw new Error(`the replica-repair state machine does not exist at ${endpoint} (stage ${values.stage})`);
        throw unreachable(endpoint, error);
      });
    const outputs: ExecutionOutput[] = [];
    let next: string | undefined = started.executionArn;
    let waited = 0;
    let polls = 0;
    while (next) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: next }));
      if (described.status === 'RUNNING') {
        polls++;
        if (polls % PROGRESS_EVERY === 0) {
          const listed = outputs.reduce((n, o) => n + o.counts.listed, 0);
          io.err(
            `smcp replicas: scanning… ${listed} secrets listed in ${outputs.length} finished execution(s); ${described.name} still running`,
          );
        }
        if (waited > (io.timeoutMs ?? 3_600_000))
          throw new Error(`the scan is still running after ${waited / 1000} s (${next})`);
        await pause();
        waited += POLL_MS;
        continue;
      }
      if (described.status !== 'SUCCEEDED') {
        throw new Error(
          `the scan execution ${described.name} ended ${described.status}: ${described.error ?? ''} ${described.cause?.slice(0, 300) ?? ''}`.trim(),
        );
      }
      const output = JSON.parse(described.output ?? '{}') as ExecutionOutput;
      outputs.push(output);
      if (output.continuedAs) {
        const listed = outputs.reduce((n, o) => n + o.counts.listed, 0);
        io.err(
          `smcp replicas: ${listed} secrets scanned, ${outputs.length} execution(s) so far; continuing in ${output.continuedAs.split(':').at(-1)}`,
        );
      }
      next = output.continuedAs;
    }
    const rows = outputs.flatMap((o) => o.rows);
    const counts = {
      executions: outputs.length,
      pages: outputs.reduce((n, o) => n + o.counts.pages, 0),
      listed: outputs.reduce((n, o) => n + o.counts.listed, 0),
      described: outputs.reduce((n, o) => n + o.counts.described, 0),
    };
    if (values.json) {
      io.out(
        JSON.stringify(
          { scanId: outputs[0]?.scanId, secret: secret ?? null, dryRun: values['dry-run'], counts, rows },
          null,
          2,
        ),
      );
      return 0;
    }
    if (rows.length === 0)
      io.out(secret ? `${secret}: no replicas and none wanted.` : 'Every replica is in sync; nothing to repair.');
    else for (const line of table(rows)) io.out(line);
    const what = secret ? '1 secret' : `${counts.listed} secrets listed, ${counts.described} described`;
    io.out(
      `${values['dry-run'] ? 'Dry run: nothing was changed. ' : ''}${what}, ${rows.length} row(s), ${counts.executions} execution(s).`,
    );
    return 0;
  } finally {
    sfn.destroy();
  }
};

/** The command, with its exit code: 0 the scan ran, 1 it could not, 2 bad usage. Never throws. */
const runReplicas = async (args: string[], io: ReplicasIo = {}): Promise<number> => {
  const out = io.out ?? ((line: string) => console.log(line));
  const err = io.err ?? ((line: string) => console.error(line));
  try {
    return await run(args, { ...io, out, err });
  } catch (error) {
    if (error instanceof UsageError) {
      err(`smcp replicas: ${error.message}\n${USAGE}`);
      return 2;
    }
    err(`smcp replicas: ${clean((error as Error).message)}`);
    return 1;
  }
};

export { runReplicas, USAGE };

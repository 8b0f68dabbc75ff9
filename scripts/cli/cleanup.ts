// `smcp cleanup [--mode report|mark|delete] [--dry-run] [--json|--csv] [--endpoint URL] [--stage NAME]`: runs the
// cleanup scan now and prints its report; `smcp restore <secret>` cancels a scheduled deletion and removes the mark.
//
// The scan is started with StartExecution of the stage's `cleanup` state machine (not an event): the CLI then knows
// its execution, follows it through the executions it continues into, and reads the report the scan wrote to the
// report table. The mode given here overrides the stage's cleanupMode for this run only; --dry-run plans the mode and
// changes nothing. Ages are judged at the scan's start: against a local cloud, the local clock's time.
//
// Without --endpoint (or SMCP_ENDPOINT) it talks to AWS with the usual credentials.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeSecretCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createReportStore } from '../../functions/cleanup/adapters/reports.ts';
import { CleanupTag } from '../../functions/cleanup/domain/tags.ts';
import type { ReportRow } from '../../functions/cleanup/schemas.ts';
import { oneLine } from '../../functions/shared/domain/sanitise.ts';
import { localClientConfig, unreachable } from './client-config.ts';
import { resolveStack, tableNamed } from './stack.ts';

const MODES = ['report', 'mark', 'delete'] as const;
type Mode = (typeof MODES)[number];

class CleanupUsageError extends Error {
  readonly usage = true;
}

interface CleanupReport {
  readonly candidates: {
    name: string;
    arn: string;
    lastUsed: string | null;
    reason: string;
    phase: string;
    action: string;
  }[];
  readonly exempt: { name: string; arn: string; reason: string }[];
  readonly scanned: number;
}

interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Between two looks at a running scan (SMCP_POLL_MS, default 1 s). */
  readonly pollMs: number;
  readonly now: () => number;
  readonly wait: (ms: number) => Promise<void>;
  /** Resolves once everything printed has left the process (smcp exits right after the command returns). */
  readonly flush: () => Promise<void>;
}

const defaultIo = (): Io => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => console.error(line),
  // A pipe takes writes asynchronously: a large --json report would be cut short by process.exit otherwise.
  flush: () => new Promise<void>((resolve) => process.stdout.write('', () => resolve())),
  pollMs: Number(process.env.SMCP_POLL_MS ?? 1000) || 1000,
  now: () => Date.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

// Terminal output goes through the one sanitiser (names, reasons and causes come from the account's secrets): no
// control, format or bidi characters, one line each.
const printable = (text: string, max?: number) => oneLine(text, max);

/** RFC 4180 with every field quoted, and a leading quote on cells a spreadsheet would run as a formula. */
const csvCell = (value: string | null) => {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
};

const toCsv = (report: CleanupReport): string[] => [
  ['kind', 'name', 'arn', 'lastUsed', 'reason', 'phase', 'action'].join(','),
  ...report.candidates.map((c) =>
    ['candidate', c.name, c.arn, c.lastUsed, c.reason, c.phase, c.action].map(csvCell).join(','),
  ),
  ...report.exempt.map((e) => ['exempt', e.name, e.arn, null, e.reason, 'exempt', 'none'].map(csvCell).join(',')),
];

const toText = (report: CleanupReport, scan: { scanId: string; mode: string; dryRun: boolean }): string[] => {
  const lines = [
    `Cleanup scan ${scan.scanId} (mode ${scan.mode}${scan.dryRun ? ', dry run: nothing changed' : ''}): ${report.scanned} secrets scanned, ${report.candidates.length} candidates, ${report.exempt.length} exempt`,
  ];
  if (report.candidates.length > 0) lines.push('', 'Candidates:');
  for (const c of report.candidates) {
    lines.push(`  ${printable(c.name)}  last used ${c.lastUsed ?? 'never'}  phase ${c.phase}  action ${c.action}`);
    lines.push(`      ${printable(c.reason)}`);
  }
  if (report.exempt.length > 0) lines.push('', 'Exempt:');
  for (const e of report.exempt) lines.push(`  ${printable(e.name)}  ${printable(e.reason)}`);
  return lines;
};

const reportOf = (rows: readonly ReportRow[], scanned: number): CleanupReport => {
  const sorted = [...rows].sort((a, b) => a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn));
  return {
    candidates: sorted
      .filter((r) => r.kind === 'candidate')
      .map(({ name, arn, lastUsed, reason, phase, action }) => ({ name, arn, lastUsed, reason, phase, action })),
    exempt: sorted.filter((r) => r.kind === 'exempt').map(({ name, arn, reason }) => ({ name, arn, reason })),
    scanned,
  };
};

const clientConfig = (endpoint: string | undefined) => (endpoint ? localClientConfig(endpoint) : {});

/** The local cloud's clock (what its secrets age by), or this machine's when talking to AWS. */
/**
 * The execution input `smcp cleanup` starts a scan with (the shape the dispatcher gives scheduled scans), named after
 * the scan's id; the soak and the tests start theirs with it too.
 */
const cleanupScanInput = ({
  scanId,
  time,
  region,
  account,
  detail,
}: {
  scanId: string;
  time: string;
  region: string;
  account: string;
  detail: Record<string, unknown>;
}) => ({
  trigger: {
    rule: 'smcp cleanup',
    eventId: scanId,
    source: 'smcp.cli',
    detailType: 'Cleanup Requested',
    time,
    region,
    account,
  },
  secretId: null,
  detail,
});

const scanTimeAt = async (endpoint: string | undefined): Promise<string> => {
  if (!endpoint) return new Date().toISOString();
  const response = await fetch(`${endpoint}/_smcp/clock`).catch((error: unknown) => {
    throw unreachable(endpoint, error);
  });
  const body = (await response.json().catch(() => ({}))) as { now?: string };
  if (!response.ok || typeof body.now !== 'string') throw new Error(`${endpoint} has no local clock (/_smcp/clock)`);
  return body.now;
};

const stateMachineArn = async (sfn: SFNClient, name: string, localArn: string | undefined): Promise<string> => {
  if (localArn) return localArn;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new Error(`No state machine ${name} in this account and region: deploy the stage first`);
};

const runCleanup = async (args: string[], io: Io = defaultIo()): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      stage: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new CleanupUsageError(`cleanup takes no arguments, got "${positionals.join(' ')}"`);
  const mode = values.mode;
  if (mode !== undefined && !MODES.includes(mode as Mode)) {
    throw new CleanupUsageError(`--mode must be report, mark or delete, got "${mode}"`);
  }
  if (values.json && values.csv) throw new CleanupUsageError('--json and --csv cannot be used together');
  const endpoint = values.endpoint ?? process.env.SMCP_ENDPOINT;
  const stage = values.stage ?? (endpoint ? 'local' : 'dev');
  const stack = await resolveStack({ stage, endpoint: endpoint ?? 'http://127.0.0.1:4566' });
  const machine = stack.stateMachines.find((m) => m.key === 'cleanup');
  if (!machine) throw new Error('serverless.yml declares no cleanup state machine');
  const sfn = new SFNClient(clientConfig(endpoint));
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(endpoint)));
  const fail = (error: unknown): never => {
    if (endpoint && (error as { name?: string }).name === 'TypeError') throw unreachable(endpoint, error);
    throw error;
  };
  try {
    const arn = await stateMachineArn(sfn, machine.name, endpoint ? machine.arn : undefined).catch(fail);
    const scanId = `cli-${randomUUID()}`;
    const region = arn.split(':')[3] ?? 'us-east-1';
    const input = cleanupScanInput({
      scanId,
      time: await scanTimeAt(endpoint),
      region,
      account: arn.split(':')[4] ?? '',
      detail: {
        ...(mode ? { mode } : {}),
        dryRun: values['dry-run'],
        requestedBy: process.env.SMCP_USER ?? userInfo().username,
      },
    });
    let executionArn = (
      await sfn
        .send(new StartExecutionCommand({ stateMachineArn: arn, name: scanId, input: JSON.stringify(input) }))
        .catch(fail)
    ).executionArn as string;
    const started = io.now();
    let lastProgress = started;
    let part = 1;
    let before = 0;
    let output: Record<string, unknown> = {};
    for (;;) {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(fail);
      if (execution.status === 'RUNNING') {
        // A progress line on long scans, on stderr so --json and --csv stay clean.
        if (io.now() - lastProgress >= 2_000) {
          lastProgress = io.now();
          const seconds = Math.round((io.now() - started) / 1000);
          io.err(
            `cleanup: scanning (part ${part}, ${before} secrets scanned before it, ${seconds} s)${values.mode === 'delete' ? '; deletions may wait for approvals: smcp approvals' : ''}`,
          );
        }
        await io.wait(io.pollMs);
        continue;
      }
      if (execution.status !== 'SUCCEEDED') {
        io.err(
          `cleanup: the scan ${execution.name} ended ${execution.status}${execution.error ? `: ${execution.error}` : ''}${execution.cause ? ` (${printable(execution.cause, 300)})` : ''}`,
        );
        return 1;
      }
      output = JSON.parse(execution.output ?? '{}') as Record<string, unknown>;
      if (typeof output.continuedAs !== 'string') break;
      executionArn = output.continuedAs;
      part += 1;
      before = Number(output.scanned ?? before);
    }
    const rows: ReportRow[] = [];
    for await (const page of createReportStore({ ddb, tableName: tableNamed(stack, 'CleanupReportsTable') }).rows(
      scanId,
    )) {
      rows.push(...page);
    }
    const report = reportOf(rows, Number(output.scanned ?? 0));
    if (values.json) io.out(JSON.stringify(report));
    else if (values.csv) for (const line of toCsv(report)) io.out(line);
    else {
      const summary = { scanId, mode: String(output.mode ?? mode ?? 'report'), dryRun: values['dry-run'] };
      for (const line of toText(report, summary)) io.out(line);
    }
    await io.flush();
    return 0;
  } finally {
    sfn.destroy();
    ddb.destroy();
  }
};

/** `smcp restore <secret>`: RestoreSecret when the secret is scheduled for deletion, and its cleanup mark removed. */
const restore = async (args: string[], io: Pick<Io, 'out'> = defaultIo()): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { endpoint: { type: 'string' }, region: { type: 'string' } },
  });
  const [secretId, ...extra] = positionals;
  if (!secretId || extra.length > 0) throw new CleanupUsageError('restore needs exactly one secret (a name or an ARN)');
  const endpoint = values.endpoint ?? process.env.SMCP_ENDPOINT;
  const sm = new SecretsManagerClient({
    ...clientConfig(endpoint),
    ...(values.region ? { region: values.region } : {}),
  });
  const fail = (error: unknown): never => {
    if (endpoint && (error as { name?: string }).name === 'TypeError') throw unreachable(endpoint, error);
    if ((error as { name?: string }).name === 'ResourceNotFoundException') throw new Error(`No secret ${secretId}`);
    throw error;
  };
  try {
    const before = await sm.send(new DescribeSecretCommand({ SecretId: secretId })).catch(fail);
    const scheduled = before.DeletedDate !== undefined;
    const marked = (before.Tags ?? []).some((t) => t.Key === CleanupTag.marked);
    if (scheduled) await sm.send(new RestoreSecretCommand({ SecretId: secretId })).catch(fail);
    if (marked)
      await sm.send(new UntagResourceCommand({ SecretId: secretId, TagKeys: [CleanupTag.marked] })).catch(fail);
    const name = printable(before.Name ?? secretId);
    if (!scheduled && !marked) io.out(`${name} is not scheduled for deletion and has no cleanup mark: nothing to do.`);
    else
      io.out(
        `${scheduled ? `Restored ${name}: it is no longer scheduled for deletion` : `${name} was not scheduled for deletion`}${marked ? `; its cleanup mark (${CleanupTag.marked}) is removed.` : '.'}`,
      );
    return 0;
  } finally {
    sm.destroy();
  }
};

export type { CleanupReport, Io };
export { cleanupScanInput, csvCell, reportOf, restore, runCleanup, toCsv };

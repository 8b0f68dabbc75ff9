// The cleanup's scenario harness: a local cloud on a manual clock, secrets created with ages (backdated through the
// local-only route), scans started as `smcp cleanup` starts them (StartExecution with the mode) or as the schedule
// does (the rule's event through the dispatcher), settled, and their report read back from the report table. Canary
// values are planted in every field of every secret's value, and must appear nowhere.
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { createReportStore } from '../../functions/cleanup/adapters/reports.ts';
import type { ReportRow } from '../../functions/cleanup/schemas.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { type SettledExecution, settle } from '../../local/settle.ts';
import { cleanupScanInput } from '../../scripts/cli/cleanup.ts';
import { expectNoSecretValues } from '../support/leaks.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const DAY_MS = 86_400_000;
const CANARY_MARK = randomUUID();
const CANARY = `canary'"\\-${CANARY_MARK}`;

interface Harness extends TestCloud {
  /** Every event put on the bus (service events, CloudTrail records, the workflow's own). */
  readonly busEvents: BusEvent[];
  readonly output: string[];
  /** How many values the test itself read (readSecret): every read on the bus must be one of them. */
  reads: number;
  /** Secrets Manager in another region (replicas are read there). */
  regional(region: string): SecretsManagerClient;
  stop(): Promise<void>;
}

const startHarness = async (start = '2026-01-05T09:00:00Z'): Promise<Harness> => {
  const output: string[] = [];
  const capture = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  const test = await startTestCloud({ start });
  const busEvents: BusEvent[] = [];
  test.cloud.bus.tap((event) => busEvents.push(event));
  const clients = new Map<string, SecretsManagerClient>();
  return {
    ...test,
    busEvents,
    output,
    reads: 0,
    regional(region) {
      let client = clients.get(region);
      if (!client) {
        client = new SecretsManagerClient({
          endpoint: test.cloud.url,
          region,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        clients.set(region, client);
      }
      return client;
    },
    async stop() {
      await test.cloud.stop();
      vi.restoreAllMocks();
    },
  };
};

interface SecretSpec {
  readonly tags?: Record<string, string>;
  readonly createdDaysAgo?: number;
  /** Region → days since the last read there. */
  readonly readDaysAgo?: Record<string, number>;
  readonly replicas?: readonly string[];
}

/** A secret whose value holds the canary in every field, with the ages and tags asked for. */
const createSecret = async (h: Harness, name: string, spec: SecretSpec = {}): Promise<string> => {
  const value = { username: CANARY, password: CANARY, host: CANARY, dbname: CANARY, note: CANARY };
  const out = await h.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify(value),
      Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      ...(spec.replicas ? { AddReplicaRegions: spec.replicas.map((Region) => ({ Region })) } : {}),
    }),
  );
  // Replication settles on the next call.
  await h.clients.sm.send(new DescribeSecretCommand({ SecretId: name }));
  const now = h.clock.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const response = await fetch(`${h.cloud.url}/_smcp/secrets/backdate`, {
    method: 'POST',
    body: JSON.stringify({
      secretId: name,
      createdDate: ago(spec.createdDaysAgo ?? 400),
      lastAccessedDate: Object.fromEntries(Object.entries(spec.readDaysAgo ?? {}).map(([r, d]) => [r, ago(d)])),
    }),
  });
  if (!response.ok) throw new Error(`backdate ${name}: ${await response.text()}`);
  return out.ARN ?? name;
};

/** Reads the secret's value in `region` (a use of the secret there). */
const readSecret = async (h: Harness, name: string, region = 'us-east-1') => {
  h.reads++;
  await h.regional(region).send(new GetSecretValueCommand({ SecretId: name }));
};

const advanceDays = async (h: Harness, days: number) => {
  const response = await fetch(`${h.cloud.url}/_smcp/clock`, {
    method: 'POST',
    body: JSON.stringify({ advanceSeconds: days * 86_400 }),
  });
  if (!response.ok) throw new Error(`clock: ${await response.text()}`);
};

const machineArn = (h: Harness) => {
  const machine = h.cloud.stack.stateMachines.find((m) => m.key === 'cleanup');
  if (!machine) throw new Error('no cleanup state machine');
  return machine.arn;
};

interface ScanResult {
  readonly scanId: string;
  readonly executions: SettledExecution[];
  readonly summary: Record<string, unknown>;
  readonly candidates: ReportRow[];
  readonly exempt: ReportRow[];
}

const reportOf = async (h: Harness, scanId: string) => {
  const table = h.cloud.stack.tables.find((t) => t.logicalId === 'CleanupReportsTable');
  const store = createReportStore({
    ddb: DynamoDBDocumentClient.from(h.clients.ddb),
    tableName: String(table?.properties.TableName),
  });
  const rows: ReportRow[] = [];
  for await (const page of store.rows(scanId)) rows.push(...page);
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return { candidates: rows.filter((r) => r.kind === 'candidate'), exempt: rows.filter((r) => r.kind === 'exempt') };
};

/** Starts a scan as `smcp cleanup` does and settles (an approval wait stays waiting). */
const scan = async (
  h: Harness,
  detail: { mode?: string; dryRun?: boolean; pageSize?: number; pagesPerExecution?: number; namePrefix?: string } = {},
): Promise<ScanResult> => {
  const scanId = `test-${randomUUID()}`;
  const since = h.clock.now();
  await h.clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn(h),
      name: scanId,
      input: JSON.stringify(
        cleanupScanInput({
          scanId,
          time: h.clock.now().toISOString(),
          region: 'us-east-1',
          account: '000000000000',
          detail,
        }),
      ),
    }),
  );
  return settled(h, scanId, since);
};

/** The scan's executions (the first and every one it continued into), once settled, and its report. */
const settled = async (h: Harness, scanId: string, since: Date): Promise<ScanResult> => {
  const executions = (await settle(h.cloud, { since })).filter(
    (e) => e.workflow === 'cleanup' && (e.name === scanId || e.name.startsWith(`${scanId.slice(0, 70)}-p`)),
  );
  const last = executions.filter((e) => e.status !== 'RUNNING').at(-1);
  const output = last
    ? (await h.clients.sfn.send(new DescribeExecutionCommand({ executionArn: last.executionArn }))).output
    : undefined;
  return { scanId, executions, summary: output ? JSON.parse(output) : {}, ...(await reportOf(h, scanId)) };
};

/** The states each execution entered and the errors it met, for assertion messages. */
const pathsOf = (result: Pick<ScanResult, 'executions'>): string =>
  result.executions
    .map((e) =>
      [
        `${e.name}: ${e.status}`,
        ...e.history.flatMap((event) => {
          const type = String(event.type);
          if (type.endsWith('StateEntered'))
            return [`  → ${(event.stateEnteredEventDetails as { name?: string }).name}`];
          if (type.endsWith('Failed')) return [`    ✗ ${JSON.stringify(Object.values(event).at(-1)).slice(0, 400)}`];
          return [];
        }),
      ].join('\n'),
    )
    .join('\n');

const rowFor = (rows: readonly ReportRow[], name: string) => rows.find((r) => r.name === name);

const tagsOf = async (h: Harness, name: string) =>
  Object.fromEntries(
    ((await h.clients.sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags ?? []).map((t) => [t.Key, t.Value]),
  );

/** The control plane's own events of one type (source smcp). */
const ownEvents = (h: Harness, detailType: string) =>
  h.busEvents
    .filter((e) => e.source === 'smcp' && e['detail-type'] === detailType)
    .map((e) => e.detail as Record<string, unknown>);

/** The approval requests for a secret, newest last. */
const approvalsFor = (h: Harness, arn: string) => ownEvents(h, 'Approval Requested').filter((d) => d.secretId === arn);

const decide = async (h: Harness, approvalId: string, decision: 'approve' | 'reject', approver = 'local-operator') => {
  const approve = h.cloud.stack.functions.find((f) => f.key === 'approve')?.name;
  const response = await fetch(`${h.cloud.url}/2015-03-31/functions/${approve}/invocations`, {
    method: 'POST',
    body: JSON.stringify({ approvalId, decision, approver }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (body.ok !== true) throw new Error(`approve refused: ${JSON.stringify(body)}`);
  await h.cloud.whenIdle();
};

/** The canary in no log line, bus event, execution history, notification or report row. */
const expectNoCanary = (h: Harness, report = '') =>
  expectNoSecretValues({ ...h, output: [...h.output, report] }, [CANARY_MARK]);

/**
 * The reads (CloudTrail GetSecretValue / BatchGetSecretValue) of the scenarios' secrets, leaving out the control
 * plane's own (smcp/local/…: the approvals' link key): the cleanup never reads, so these are the test's own.
 */
const secretReads = (h: Harness) =>
  h.busEvents.filter((e) => {
    const detail = e.detail as { eventName?: string; requestParameters?: { secretId?: string } | null };
    return (
      e.source === 'aws.secretsmanager' &&
      ['GetSecretValue', 'BatchGetSecretValue'].includes(String(detail.eventName)) &&
      !String(detail.requestParameters?.secretId ?? '').includes('smcp/local/')
    );
  });

export type { Harness, ScanResult, SecretSpec };
export {
  advanceDays,
  approvalsFor,
  CANARY,
  createSecret,
  decide,
  expectNoCanary,
  machineArn,
  ownEvents,
  pathsOf,
  readSecret,
  reportOf,
  rowFor,
  scan,
  secretReads,
  settled,
  startHarness,
  tagsOf,
};

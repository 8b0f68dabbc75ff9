// What the console reads, in process: the Secrets Manager emulator's records (metadata only, field by field: a value
// is never copied out), the Step Functions executions and their histories, the bus's recent events, and the tables
// the functions keep (approvals, read counters) through DynamoDB on the local endpoint. Every view the API returns
// is built here from an explicit list of fields.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { createCounters } from '../../functions/reads/adapters/counters.ts';
import type { Clock } from '../clock.ts';
import type { BusEvent } from '../eventbridge/bus.ts';
import { secretArn } from '../secretsmanager/lookup.ts';
import type { SecretRecord, State } from '../secretsmanager/state.ts';
import { awaitingCallback } from '../settle.ts';
import type { LocalStack } from '../stack/build.ts';
import type { ExecutionSummary } from '../stepfunctions/index.ts';
import type { HistoryEvent } from '../stepfunctions/types.ts';

interface ConsoleParts {
  readonly url: string;
  readonly clock: Clock;
  readonly stack: LocalStack;
  readonly region: string;
  readonly secretsmanager: { snapshot(): unknown };
  readonly stepfunctions: {
    executions(): ExecutionSummary[];
    history(executionArn: string): readonly HistoryEvent[];
  };
  readonly bus: { recentEvents(): readonly BusEvent[] };
}

interface SecretVersionView {
  readonly versionId: string;
  readonly stages: string[];
  readonly createdDate: string;
  readonly lastAccessedDate: string | undefined;
}

interface SecretView {
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly createdDate: string;
  readonly lastChangedDate: string;
  readonly lastAccessedDate: string | undefined;
  readonly deletedDate: string | undefined;
  readonly deletionDate: string | undefined;
  readonly primaryRegion: string;
  readonly tags: { key: string; value: string }[];
  readonly versions: SecretVersionView[];
  readonly replicas: { region: string; status: string; statusMessage: string; lastAccessedDate: string | undefined }[];
  readonly rotation: { enabled: boolean; lastRotatedDate: string | undefined } | undefined;
}

interface ExecutionRow {
  readonly executionArn: string;
  readonly name: string;
  readonly workflow: string;
  /** WAITING for a RUNNING execution that waits for a callback (an approval). */
  readonly status: string;
  readonly startDate: string;
  readonly stopDate: string | undefined;
  readonly durationMs: number | undefined;
  readonly secretId: string | undefined;
  readonly error: string | undefined;
}

interface ApprovalRow {
  readonly approvalId: string;
  readonly secretId: string;
  readonly action: string;
  readonly executionArn: string | undefined;
  readonly requestedBy: string;
  readonly reason: string | undefined;
  readonly expiresAt: string;
  readonly status: string;
  readonly decidedBy: string | undefined;
  readonly decidedAt: string | undefined;
  readonly channel: string | undefined;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// Field by field: the version record holds secretString/secretBinary, which must never be copied.
const versionView = (version: SecretRecord['versions'][number]): SecretVersionView => ({
  versionId: version.versionId,
  stages: [...version.stages],
  createdDate: version.createdDate,
  lastAccessedDate: version.lastAccessedDate,
});

const secretView = (secret: SecretRecord): SecretView => ({
  arn: secretArn(secret, secret.primaryRegion),
  name: secret.name,
  description: secret.description,
  createdDate: secret.createdDate,
  lastChangedDate: secret.lastChangedDate,
  lastAccessedDate: secret.lastAccessedDate[secret.primaryRegion],
  deletedDate: secret.deletedDate,
  deletionDate: secret.deletionDate,
  primaryRegion: secret.primaryRegion,
  tags: secret.tags.map((t) => ({ key: t.Key, value: t.Value })),
  // Newest first: the current version is what a reader looks for.
  versions: secret.versions.map(versionView).reverse(),
  replicas: Object.values(secret.replicas).map((r) => ({
    region: r.region,
    status: r.status,
    statusMessage: r.statusMessage,
    lastAccessedDate: secret.lastAccessedDate[r.region],
  })),
  rotation: secret.rotation
    ? { enabled: secret.rotation.enabled, lastRotatedDate: secret.rotation.lastRotatedDate }
    : undefined,
});

const parseJson = (text: unknown): unknown => {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const createSources = (parts: ConsoleParts) => {
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: parts.url,
      region: parts.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const tableName = (logicalId: string): string | undefined => {
    const name = parts.stack.tables.find((t) => t.logicalId === logicalId)?.properties.TableName;
    return typeof name === 'string' ? name : undefined;
  };
  const workflowOf = (stateMachineArn: string) =>
    parts.stack.stateMachines.find((m) => m.arn === stateMachineArn)?.key ?? stateMachineArn.split(':').at(-1) ?? '';

  const secrets = (): SecretView[] => {
    const state = parts.secretsmanager.snapshot() as State;
    return Object.values(state.secrets)
      .map(secretView)
      .sort((a, b) => a.name.localeCompare(b.name));
  };

  /** A secret by name or any of its ARNs. */
  const secret = (id: string): SecretView | undefined => {
    const state = parts.secretsmanager.snapshot() as State;
    for (const record of Object.values(state.secrets)) {
      const arns = [record.primaryRegion, ...Object.keys(record.replicas)].map((r) => secretArn(record, r));
      if (record.name === id || arns.includes(id)) return secretView(record);
    }
    return undefined;
  };

  const inputOf = (history: readonly HistoryEvent[]): Record<string, unknown> => {
    const started = history.find((e) => e.type === 'ExecutionStarted');
    const details = started?.executionStartedEventDetails as { input?: unknown } | undefined;
    const input = parseJson(details?.input);
    return input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  };

  const executionRow = (e: ExecutionSummary): ExecutionRow => {
    const history = parts.stepfunctions.history(e.executionArn);
    const waiting = e.status === 'RUNNING' && awaitingCallback(history);
    return {
      executionArn: e.executionArn,
      name: e.name,
      workflow: workflowOf(e.stateMachineArn),
      status: waiting ? 'WAITING' : e.status,
      startDate: e.startDate.toISOString(),
      stopDate: e.stopDate?.toISOString(),
      // A running execution's age, on the local cloud's clock.
      durationMs: (e.stopDate ?? parts.clock.now()).getTime() - e.startDate.getTime(),
      secretId: str(inputOf(history).secretId),
      error: e.error,
    };
  };

  const executions = (): ExecutionRow[] => parts.stepfunctions.executions().map(executionRow);

  const execution = (id: string) => {
    const summary = parts.stepfunctions.executions().find((e) => e.executionArn === id || e.name === id);
    if (!summary) return undefined;
    const machine = parts.stack.stateMachines.find((m) => m.arn === summary.stateMachineArn);
    return {
      row: executionRow(summary),
      summary,
      definition: machine?.definition,
      history: parts.stepfunctions.history(summary.executionArn),
    };
  };

  const approvals = async (): Promise<ApprovalRow[]> => {
    const table = tableName('ApprovalsTable');
    if (!table) return [];
    const rows: ApprovalRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // Never the task token: it lets anyone complete the task.
      const page: ScanCommandOutput = await ddb.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression:
            'approvalId, secretId, #action, executionArn, requestedBy, #reason, expiresAt, #status, decidedBy, decidedAt, #channel',
          ExpressionAttributeNames: {
            '#action': 'action',
            '#status': 'status',
            '#reason': 'reason',
            '#channel': 'channel',
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        rows.push({
          approvalId: String(item.approvalId ?? ''),
          secretId: String(item.secretId ?? ''),
          action: String(item.action ?? ''),
          executionArn: str(item.executionArn),
          requestedBy: String(item.requestedBy ?? ''),
          reason: str(item.reason),
          expiresAt: String(item.expiresAt ?? ''),
          status: String(item.status ?? ''),
          decidedBy: str(item.decidedBy),
          decidedAt: str(item.decidedAt),
          channel: str(item.channel),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return rows.sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
  };

  const s3 = new S3Client({
    endpoint: parts.url,
    region: parts.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stateBucket = parts.stack.buckets.find((b) => b.logicalId === 'ReadStateBucket')?.name;
  const counters = stateBucket ? createCounters({ s3, bucket: stateBucket }) : undefined;

  return {
    secrets,
    secret,
    executions,
    execution,
    approvals,
    counters,
    events: () => parts.bus.recentEvents(),
    now: () => parts.clock.now(),
    close: () => {
      ddb.destroy();
      s3.destroy();
    },
  };
};

type Sources = ReturnType<typeof createSources>;

export type { ApprovalRow, ConsoleParts, ExecutionRow, SecretVersionView, SecretView, Sources };
export { createSources };

// One soak run: a fresh data directory, a few webhook-rotated secrets full of canaries, then a seeded mix of the
// recorded scenarios' events (rotation requests, approvals and rejections, RotationFailed for remediation,
// RotationSucceeded for verification, read bursts for the read pipeline, and duplicate deliveries), replicated
// secrets whose replicas fail and get repaired (soak/replicas.ts), unused secrets the cleanup marks, deletes after the
// grace period and `smcp restore` brings back (soak/cleanup.ts), with faults on and SIGKILLs at random points, each
// followed by a restart. At the end, once nothing moves (the clock moved on over the repairs' waits), the invariants.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../../local/stack/build.ts';
import { functionNamed, queueNamed, tableNamed } from '../../cli/stack.ts';
import { type ApiCall, apiCallsOf } from './api-calls.ts';
import { createCleanupMix } from './cleanup.ts';
import type { SoakCloud } from './cloud.ts';
import { checkInvariants, type ExecutionState, type SecretState, type Violation } from './invariants.ts';
import type { ApprovalState, ReplicaRowState } from './replica-invariants.ts';
import { createReplicaMix } from './replicas.ts';
import type { Target } from './target.ts';

type Random = () => number;

/** mulberry32: small, seeded, and the same plan for the same seed. */
const seeded = (seed: number): Random => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

type ActionKind =
  | 'rotate'
  | 'approve'
  | 'reject'
  | 'reads'
  | 'remediate'
  | 'verify'
  | 'redeliver'
  | 'replica-fail'
  | 'replica-event'
  | 'replica-scan'
  | 'cleanup-mark'
  | 'cleanup-delete'
  | 'cleanup-decide'
  | 'restore';

interface Action {
  readonly kind: ActionKind;
  readonly secret: number;
  /**
   * Milliseconds of work to let happen after the action before a SIGKILL (0: the moment its answer arrives); no kill
   * when undefined.
   */
  readonly killAfterMs: number | undefined;
}

interface RunPlan {
  readonly secrets: readonly { readonly approval: 'none' | 'required' }[];
  readonly actions: readonly Action[];
}

const WEIGHTS: readonly [ActionKind, number][] = [
  ['rotate', 5],
  ['approve', 2],
  ['reject', 1],
  ['reads', 2],
  ['remediate', 1],
  ['verify', 1],
  ['redeliver', 1],
  ['replica-fail', 3],
  ['replica-event', 1],
  ['replica-scan', 1],
];

// The cleanup's steps come in this order when a run has them, other actions between: a mark, the grace period and
// a delete scan, decisions on the deletions it asks for, restores.
const CLEANUP: readonly ActionKind[] = ['cleanup-mark', 'cleanup-delete', 'cleanup-decide', 'restore'];

const planRun = (random: Random): RunPlan => {
  const secrets = Array.from({ length: 2 + Math.floor(random() * 2) }, () => ({
    approval: random() < 0.4 ? ('required' as const) : ('none' as const),
  }));
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const killAfter = () => (random() < 0.35 ? (random() < 0.3 ? 0 : 1 + Math.floor(random() * 600)) : undefined);
  const actions = Array.from({ length: 4 + Math.floor(random() * 5) }, (): Action => {
    const roll = random() * total;
    let below = 0;
    const kind =
      WEIGHTS.find(([, w]) => {
        below += w;
        return roll < below;
      })?.[0] ?? 'rotate';
    return { kind, secret: Math.floor(random() * secrets.length), killAfterMs: killAfter() };
  });
  if (random() < 0.6) {
    let at = 0;
    for (const kind of CLEANUP) {
      at += Math.floor(random() * (actions.length - at + 1));
      actions.splice(at, 0, { kind, secret: 0, killAfterMs: killAfter() });
      at++;
    }
  }
  return { secrets, actions };
};

const template = (root: string, path: string) => readFileSync(join(root, 'events/recorded', path), 'utf8');

interface RunContext {
  readonly root: string;
  readonly run: number;
  readonly seed: number;
  readonly cloud: SoakCloud;
  readonly target: Target;
  readonly stack: LocalStack;
  readonly dataDir: string;
}

interface RunResult {
  readonly executions: number;
  /** `<workflow> <status>` (WAITING: running, waiting for a callback) → how many. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly faults: number;
  readonly restarts: number;
  readonly actions: Readonly<Record<string, number>>;
  /** What the workflows did, by kind: replica repair outcomes, cleanup actions, restores, faults injected. */
  readonly effects: Readonly<Record<string, number>>;
  readonly violations: readonly Violation[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Settled {
  readonly executions: (Omit<ExecutionState, 'input'> & {
    executionArn: string;
    startDate: string;
    history: {
      type: string;
      executionStartedEventDetails?: { input?: string };
      executionSucceededEventDetails?: { output?: string };
    }[];
  })[];
}

const progressing = (settled: Settled) => settled.executions.some((e) => e.status === 'RUNNING' && !e.awaitingCallback);

const runSoak = async (ctx: RunContext): Promise<RunResult> => {
  const { cloud, target, stack } = ctx;
  const random = seeded(ctx.seed);
  const plan = planRun(random);
  const prefix = `soak/run-${ctx.run}-${ctx.seed}`;
  const names = plan.secrets.map((_, i) => `${prefix}/app-${i}`);
  const canaries: { label: string; value: string }[] = [];
  const texts: { where: string; text: string }[] = [];
  const observed = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  const published: unknown[] = [];
  const requested: string[] = [];
  const calls: ApiCall[] = [];
  const counts: Record<string, number> = {};
  let restarts = 0;
  let faults = 0;

  const collectBeforeExit = async () => {
    const health = await cloud.health();
    faults += (health.faults?.throttle ?? 0) + (health.faults?.serverError ?? 0);
    const { events } = await cloud.admin<{ events: unknown[] }>('events/since', { count: 0 });
    texts.push({ where: `bus events before exit ${restarts}`, text: JSON.stringify(events) });
    calls.push(...apiCallsOf(events, restarts));
  };

  const observe = async () => {
    for (const name of names) {
      // A secret that cannot be listed now is found missing at the end.
      const listed = await cloud.clients.sm
        .send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }))
        .catch(() => undefined);
      for (const v of listed?.Versions ?? []) if (v.VersionId) observed.get(name)?.add(v.VersionId);
    }
  };

  const publish = async (event: unknown) => {
    published.push(event);
    await cloud.admin('events', { events: [event] });
  };

  const pendingApprovals = async () => {
    const { Items = [] } = await cloud.clients.ddb.send(
      new ScanCommand({ TableName: tableNamed(stack, 'ApprovalsTable') }),
    );
    return Items.filter((item) => item.status?.S === 'pending').map((item) => item.approvalId?.S ?? '');
  };

  const decideOne = async (approvalId: string, decision: 'approve' | 'reject') => {
    await fetch(`${cloud.url}/2015-03-31/functions/${functionNamed(stack, 'approve')}/invocations`, {
      method: 'POST',
      body: JSON.stringify({ approvalId, decision, approver: 'local-operator' }),
    });
  };
  const decide = async (decision: 'approve' | 'reject') => {
    for (const approvalId of await pendingApprovals()) await decideOne(approvalId, decision);
  };

  const replicas = createReplicaMix({ root: ctx.root, cloud, stack, prefix, random, canaries, publish });
  const cleanup = createCleanupMix({ cloud, stack, prefix, random, canaries, texts });

  // On `smcp local`'s wall clock the repairs' Wait states (10 s checks, 30 s and 60 s backoffs) take real time: settle,
  // then move the clock on half a minute at a time while anything still runs without waiting for a decision.
  const settleAll = async () => {
    let settled = await cloud.admin<Settled>('settle', { timeoutMs: 20_000 });
    for (let round = 0; round < 60 && progressing(settled); round++) {
      await cloud.admin('clock', { advanceSeconds: 30 });
      settled = await cloud.admin<Settled>('settle', { timeoutMs: 3_000 });
    }
    return settled;
  };

  const serviceEvent = (file: string, scenarioSecret: string, name: string) => {
    const id = randomUUID();
    const event = JSON.parse(template(ctx.root, file).split(scenarioSecret).join(name)) as Record<string, unknown>;
    return { ...event, id, detail: { ...(event.detail as object), eventID: randomUUID() } };
  };

  const act = async (action: Action) => {
    counts[action.kind] = (counts[action.kind] ?? 0) + 1;
    const name = names[action.secret] ?? names[0] ?? '';
    switch (action.kind) {
      case 'rotate': {
        const id = randomUUID();
        await publish({
          version: '0',
          id,
          'detail-type': 'Rotation Requested',
          source: 'smcp',
          account: '000000000000',
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-east-1',
          resources: [],
          detail: { secretId: name, reason: 'soak', requestedBy: 'soak-runner', requestId: randomUUID() },
        });
        // Answered: the bus has it, and its deliveries are on disk.
        requested.push(id);
        return;
      }
      case 'approve':
        return decide('approve');
      case 'reject':
        return decide('reject');
      case 'reads':
        await Promise.all(
          Array.from({ length: 20 + Math.floor(random() * 80) }, () =>
            cloud.clients.sm.send(new GetSecretValueCommand({ SecretId: name })),
          ),
        );
        return;
      case 'remediate':
        return publish(
          serviceEvent('remediation-dangling-pending/01-rotation-failed.json', 'scenario/remediation-dangling', name),
        );
      case 'verify':
        return publish(
          serviceEvent(
            'verification-working-credentials/01-rotation-succeeded.json',
            'scenario/verification-working',
            name,
          ),
        );
      case 'redeliver':
        // The same event again, verbatim: it must start nothing new.
        if (published.length > 0) return publish(pick(random, published));
        return;
      case 'replica-fail':
        return replicas.fail(action.secret);
      case 'replica-event':
        return replicas.serviceEvent(action.secret);
      case 'replica-scan':
        return replicas.scheduledScan();
      case 'cleanup-mark':
        return cleanup.scan('mark');
      case 'cleanup-delete':
        await cleanup.gracePasses();
        return cleanup.scan('delete');
      case 'cleanup-decide':
        return cleanup.decide(decideOne);
      case 'restore':
        return cleanup.restoreSome();
    }
  };

  await cloud.start();
  try {
    // The signing key and every field of every secret are canaries; so is every password a rotation makes.
    const signingKey = `soak-signing-${randomUUID()}`;
    canaries.push({ label: 'the webhook signing key', value: signingKey });
    await cloud.clients.sm.send(
      new CreateSecretCommand({ Name: `${prefix}/signing`, SecretString: JSON.stringify({ signingKey }) }),
    );
    for (const [i, name] of names.entries()) {
      const password = `soak-initial-${randomUUID()}`;
      const username = `soak-user-${randomUUID()}`;
      canaries.push(
        { label: `${name}'s initial password`, value: password },
        { label: `${name}'s username`, value: username },
      );
      target.install(name, password);
      const created = await cloud.clients.sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({
            webhookUrl: target.url,
            signingSecretArn: `${prefix}/signing`,
            username,
            password,
          }),
          Tags: [
            { Key: 'smcp:rotation', Value: 'orchestrated' },
            { Key: 'smcp:strategy', Value: 'webhook' },
            { Key: 'smcp:approval', Value: plan.secrets[i]?.approval ?? 'none' },
          ],
        }),
      );
      if (created.VersionId) observed.get(name)?.add(created.VersionId);
    }
    await replicas.setup();
    await cleanup.setup();

    const failures: Violation[] = [];
    for (const action of plan.actions) {
      // A kill the moment an answer arrives leaves no time to look around first: look before the action instead.
      const immediate = action.killAfterMs === 0;
      if (immediate) {
        await observe();
        await collectBeforeExit();
      }
      // A call that fails even after the SDK's retries is a finding, not the end of the run.
      await act(action).catch((error: unknown) =>
        failures.push({ invariant: 'calls-succeed', detail: `${action.kind}: ${(error as Error).name}` }),
      );
      if (action.killAfterMs === undefined) continue;
      if (!immediate) {
        // Work is under way: the kill lands somewhere inside it.
        await sleep(action.killAfterMs);
        await observe();
        await collectBeforeExit();
      }
      await cloud.kill();
      restarts++;
      await cloud.start();
    }

    // The end: let everything finish, answer the approvals still open (or not), and let that finish too; then the
    // six-hourly replica scan once more, as the schedule would, for failures whose event a kill took with it.
    await settleAll();
    if (random() < 0.7) await decide(random() < 0.8 ? 'approve' : 'reject');
    await settleAll();
    await replicas.scheduledScan();
    const settled = await settleAll();

    const secrets: SecretState[] = [];
    for (const name of names) {
      const listed = await cloud.clients.sm
        .send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }))
        .catch(() => undefined);
      if (!listed) {
        // The secret itself is gone: no AWSCURRENT, and every version it had is lost.
        secrets.push({ name, versions: [], currentPassword: undefined, accepted: target.accepted(name) });
        continue;
      }
      const { Versions = [] } = listed;
      for (const v of Versions) {
        if (!v.VersionId) continue;
        const value = await cloud.clients.sm.send(
          new GetSecretValueCommand({ SecretId: name, VersionId: v.VersionId }),
        );
        const password = (JSON.parse(value.SecretString ?? '{}') as { password?: string }).password;
        if (password) canaries.push({ label: `${name}'s password of version ${v.VersionId}`, value: password });
      }
      const current = await cloud.clients.sm.send(new GetSecretValueCommand({ SecretId: name }));
      secrets.push({
        name,
        versions: Versions.map((v) => ({ id: v.VersionId ?? '', stages: v.VersionStages ?? [] })),
        currentPassword: (JSON.parse(current.SecretString ?? '{}') as { password?: string }).password,
        accepted: target.accepted(name),
      });
    }
    const executions: ExecutionState[] = settled.executions.map((e) => ({
      name: e.name,
      workflow: e.workflow,
      status: e.status,
      awaitingCallback: e.awaitingCallback,
      error: e.error,
      input: e.history[0]?.executionStartedEventDetails?.input ?? '',
    }));
    texts.push({ where: 'execution histories', text: JSON.stringify(settled.executions) });
    const { Items: lockItems = [] } = await cloud.clients.ddb.send(
      new ScanCommand({ TableName: tableNamed(stack, 'RotationLocksTable') }),
    );
    const locks = lockItems.map((item) => ({
      lockKey: item.lockKey?.S ?? '',
      owner: item.owner?.S ?? '',
      expiresAt: item.expiresAt?.S ?? item.expiresAt?.N ?? '',
    }));
    const { Items: approvalItems = [] } = await cloud.clients.ddb.send(
      new ScanCommand({ TableName: tableNamed(stack, 'ApprovalsTable') }),
    );
    texts.push({ where: 'approval records', text: JSON.stringify(approvalItems) });
    const approvals: ApprovalState[] = approvalItems.map((item) => ({
      secretId: item.secretId?.S ?? '',
      action: item.action?.S ?? '',
      status: item.status?.S ?? '',
      executionArn: item.executionArn?.S ?? '',
    }));
    const { Items: reportItems = [] } = await cloud.clients.ddb.send(
      new ScanCommand({ TableName: tableNamed(stack, 'CleanupReportsTable') }),
    );
    texts.push({ where: 'cleanup report rows', text: JSON.stringify(reportItems) });
    const rows: ReplicaRowState[] = settled.executions.flatMap((e) => {
      if (e.workflow !== 'replica-repair') return [];
      const output = e.history.find((h) => h.type === 'ExecutionSucceeded')?.executionSucceededEventDetails?.output;
      const parsed = output
        ? (JSON.parse(output) as { rows?: { name: string; region: string; outcome: string }[] })
        : {};
      return (parsed.rows ?? []).map((r) => ({
        execution: e.name,
        startDate: e.startDate,
        name: r.name,
        region: r.region,
        outcome: r.outcome,
      }));
    });
    const waiting = new Set(
      settled.executions.filter((e) => e.status === 'RUNNING' && e.awaitingCallback).map((e) => e.executionArn),
    );
    const replicaSecrets = await replicas.state();
    const cleanupSecrets = await cleanup.state();
    for (const logicalId of ['DeadLetterQueue', 'ReadLogFilesDeadLetterQueue']) {
      const { QueueUrl } = await cloud.clients.sqs.send(
        new GetQueueUrlCommand({ QueueName: queueNamed(stack, logicalId) }),
      );
      const { Messages = [] } = await cloud.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      texts.push({ where: `${logicalId} messages`, text: JSON.stringify(Messages.map((m) => m.Body)) });
    }
    await collectBeforeExit();
    const outbox = join(ctx.dataDir, 'sns-outbox.jsonl');
    if (existsSync(outbox)) texts.push({ where: 'SNS notifications', text: readFileSync(outbox, 'utf8') });
    await cloud.stop();
    texts.push({ where: "smcp local's output", text: cloud.output() });
    const logs = join(ctx.dataDir, 'logs');
    for (const file of existsSync(logs) ? readdirSync(logs) : []) {
      texts.push({ where: `function log ${file}`, text: readFileSync(join(logs, file), 'utf8') });
    }

    const violations = failures.concat(
      checkInvariants({
        now: new Date(),
        secrets,
        executions,
        locks,
        requested,
        observed,
        texts,
        canaries,
        replicas: { secrets: replicaSecrets, rows, approvals, waiting, calls },
        cleanup: { secrets: cleanupSecrets, approvals, calls },
      }),
    );
    const outcomes: Record<string, number> = {};
    for (const e of executions) {
      const key = `${e.workflow} ${e.status === 'RUNNING' && e.awaitingCallback ? 'WAITING' : e.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    const effects: Record<string, number> = {};
    const count = (key: string, n = 1) => {
      if (n > 0) effects[key] = (effects[key] ?? 0) + n;
    };
    for (const row of rows) count(`replica ${row.outcome}`);
    for (const [kind, n] of Object.entries(replicas.faults())) count(`replica fault ${kind}`, n);
    for (const item of reportItems) {
      const action = item.action?.S ?? 'none';
      if (action !== 'none') count(`cleanup ${action}`);
    }
    const cleaned = cleanup.counts();
    count('cleanup scans (mark, delete)', cleaned.scans);
    count('cleanup deletions approved', cleaned.approved);
    count('cleanup deletions rejected', cleaned.rejected);
    count('cleanup restores run', cleaned.restores);
    count('cleanup restored', cleaned.restored);
    return { executions: executions.length, outcomes, faults, restarts, actions: counts, effects, violations };
  } finally {
    await cloud.stop();
  }
};

export type { RunResult };
export { runSoak, seeded };

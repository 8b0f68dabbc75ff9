// `npm run bench -- replicas [--secrets N]`: one replica scan of a large inventory on the local cloud — 10,000
// secrets, 10 % of them replicated to another region, 1 % of all with a failed replica (a transient failure the repair
// fixes). Figures: the Secrets Manager calls per API during the scan (from the CloudTrail events the emulator records,
// so every call counts), the Lambda invocations per function, the executions (the scan continues as new), the wall
// time and the history events of the largest execution. The goal: ListSecrets pages plus DescribeSecret only for the
// secrets with replicas, and no execution near Step Functions' 25,000 events.
import { parseArgs } from 'node:util';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createManualClock } from '../../local/clock.ts';
import { startLocalCloud } from '../../local/cloud.ts';
import { settle } from '../../local/settle.ts';
import { writeFigures } from './support.ts';

const CONCURRENCY = 16;

const inBatches = async <T>(items: readonly T[], work: (item: T) => Promise<unknown>) => {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
};

const main = async (args: string[] = []) => {
  const { values } = parseArgs({ args, options: { secrets: { type: 'string', default: '10000' } } });
  const total = Number(values.secrets);
  if (!Number.isInteger(total) || total < 100) throw new Error('--secrets must be a whole number ≥ 100');
  const replicated = Math.round(total * 0.1);
  const failed = Math.round(total * 0.01);

  const cloud = await startLocalCloud({ clock: createManualClock(new Date()), log: () => {} });
  // After the cloud set the stage's environment, before the first handler module loads its logger.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const config = {
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const sm = new SecretsManagerClient({ ...config, maxAttempts: 5 });
  const sfn = new SFNClient(config);
  try {
    const setupStarted = Date.now();
    const names = Array.from({ length: total }, (_, i) => `bench/app-${String(i).padStart(5, '0')}`);
    // Every tenth secret is replicated; every hundredth's replica has failed.
    await inBatches(names, (name) => {
      const i = Number(name.slice(-5));
      return sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({ password: `bench-${i}` }),
          Tags: [{ Key: 'smcp:approval', Value: 'none' }],
          ...(i % 10 === 0 ? { AddReplicaRegions: [{ Region: 'us-west-2' }] } : {}),
        }),
      );
    });
    await settle(cloud);
    for (const name of names.filter((_, i) => i % 100 === 0)) {
      cloud.secretsmanager.placeReplica(name, { region: 'us-west-2', status: 'Failed', cause: 'transient' });
    }
    await settle(cloud);
    const setupSeconds = (Date.now() - setupStarted) / 1000;

    const calls: Record<string, number> = {};
    const invocations: Record<string, number> = {};
    const stopTap = cloud.bus.tap((event) => {
      const detail = event.detail as { eventSource?: string; eventName?: string; eventType?: string };
      if (
        event['detail-type'] === 'AWS API Call via CloudTrail' &&
        detail.eventSource === 'secretsmanager.amazonaws.com'
      ) {
        const key = String(detail.eventName);
        calls[key] = (calls[key] ?? 0) + 1;
      }
    });
    const unhook = cloud.lambda.hook(async (name, payload, next) => {
      const key = name.replace(/^smcp-[^-]+-/, '');
      invocations[key] = (invocations[key] ?? 0) + 1;
      return next(payload);
    });
    const machine = cloud.stack.stateMachines.find((m) => m.key === 'replica-repair');
    if (!machine) throw new Error('no replica-repair state machine');
    const started = process.hrtime.bigint();
    const first = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine.arn,
        name: `bench-${crypto.randomUUID()}`,
        input: JSON.stringify({ trigger: { rule: 'bench' }, secretId: null, detail: {} }),
      }),
    );
    const executions = (await settle(cloud, { timeoutMs: 3_600_000 })).filter((e) => e.workflow === 'replica-repair');
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    stopTap();
    unhook();

    const outputs = executions.map((e) => {
      const closed = e.history.find((h) => h.type === 'ExecutionSucceeded');
      return JSON.parse(
        String((closed?.executionSucceededEventDetails as { output?: string } | undefined)?.output ?? '{}'),
      ) as {
        rows?: { outcome: string }[];
        counts?: { pages: number; listed: number; described: number };
      };
    });
    const outcomes: Record<string, number> = {};
    for (const row of outputs.flatMap((o) => o.rows ?? [])) outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + 1;
    const largest = Math.max(...executions.map((e) => e.history.length));
    const figures = {
      inventory: { secrets: total, replicated, failed },
      setupSeconds,
      firstExecution: first.executionArn,
      executions: executions.length,
      statuses: [...new Set(executions.map((e) => e.status))],
      wallSeconds: Number(wallSeconds.toFixed(2)),
      secretsManagerCalls: Object.fromEntries(Object.entries(calls).sort()),
      lambdaInvocations: Object.fromEntries(Object.entries(invocations).sort()),
      historyEvents: {
        largestExecution: largest,
        perExecution: executions.map((e) => e.history.length),
        limit: 25_000,
      },
      pages: outputs.reduce((n, o) => n + (o.counts?.pages ?? 0), 0),
      described: outputs.reduce((n, o) => n + (o.counts?.described ?? 0), 0),
      outcomes,
    };
    const file = writeFigures('replicas', figures);
    console.log(JSON.stringify(figures, null, 2));
    console.log(`figures written to ${file}`);
  } finally {
    sm.destroy();
    sfn.destroy();
    await cloud.stop();
  }
};

export { main };

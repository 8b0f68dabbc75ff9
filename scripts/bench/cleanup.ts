// The cleanup scan at scale: 100,000 secrets on the local cloud, `smcp cleanup --json` in report mode run as a child
// process (its peak memory from its own process.resourceUsage(), printed at exit by a preload), and what the scan
// cost: ListSecrets calls (goal ≤ 1,001: 1,000 pages of 100), DescribeSecret calls (only candidates with replicas),
// wall time and CPU time (the local cloud's, this process; the CLI's), per 1,000 secrets too so sizes compare, with
// the load average beside them, and the history events of the largest execution (Step Functions stops one at
// 25,000). `cleanup N` for N secrets; `cleanup N mark` scans in mark mode (a TagResource, an event and an owner
// notice per candidate). The seeding is not timed.
//
// The inventory is put straight into the Secrets Manager emulator's state (100,000 CreateSecret calls would measure
// the emulator, not the scan): ages spread over two years, a realistic mix of used, unused, never-read, exempt,
// replicated and scheduled-for-deletion secrets. Calls are counted from the CloudTrail records the emulator puts on
// the bus for every call.
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalCloud } from '../../local/cloud.ts';
import type { SecretRecord } from '../../local/secretsmanager/state.ts';
import { writeFigures } from './support.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DAY_MS = 86_400_000;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic stream of numbers in [0, 1): the same inventory every run. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const dayIso = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)}T00:00:00.000Z`;

interface Mix {
  readonly kind: string;
  readonly share: number;
}

// Shares of the inventory, in percent.
const MIX: readonly Mix[] = [
  { kind: 'used', share: 60 },
  { kind: 'unused', share: 20 },
  { kind: 'never-read-old', share: 5 },
  { kind: 'never-read-young', share: 5 },
  { kind: 'exempt-tag', share: 4 },
  { kind: 'exempt-prefix', share: 2 },
  { kind: 'replicated', share: 2 },
  { kind: 'scheduled', share: 2 },
];

const inventory = (count: number, now: number) => {
  const next = random(42);
  const secrets: Record<string, SecretRecord> = {};
  const kinds: Record<string, number> = {};
  const bounds = MIX.map((m, i) => ({ ...m, upTo: MIX.slice(0, i + 1).reduce((sum, x) => sum + x.share, 0) }));
  for (let i = 0; i < count; i++) {
    const percent = (i * 100) / count;
    const kind = bounds.find((b) => percent < b.upTo)?.kind ?? 'used';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const suffix = Array.from({ length: 6 }, () => SUFFIX_ALPHABET[Math.floor(next() * 62)]).join('');
    const name = kind === 'exempt-prefix' ? `smcp/local/bench-${i}` : `bench/${kind}/s${i}`;
    const created = now - (kind === 'never-read-young' ? 1 + next() * 80 : 120 + next() * 600) * DAY_MS;
    const readDaysAgo =
      kind === 'used'
        ? next() * 60
        : kind.startsWith('never-read')
          ? undefined
          : 100 + next() * 19 * (created > 0 ? 1 : 0);
    const lastAccessedDate: Record<string, string> = {};
    if (readDaysAgo !== undefined)
      lastAccessedDate['us-east-1'] = dayIso(Math.max(created, now - readDaysAgo * DAY_MS));
    const replicas: SecretRecord['replicas'] = {};
    if (kind === 'replicated') {
      replicas['eu-west-1'] = {
        region: 'eu-west-1',
        kmsKeyId: 'alias/aws/secretsmanager',
        status: 'InSync',
        statusMessage: 'Replication succeeded',
        settlesAt: new Date(created).toISOString(),
        forceOverwrite: false,
      };
      // Half the replicas are read in their own region (those secrets are in use).
      if (i % 2 === 0) lastAccessedDate['eu-west-1'] = dayIso(now - 5 * DAY_MS);
    }
    const createdIso = new Date(created).toISOString();
    const secret: SecretRecord = {
      name,
      primaryRegion: 'us-east-1',
      suffix,
      createdDate: createdIso,
      lastChangedDate: createdIso,
      lastAccessedDate,
      tags:
        kind === 'exempt-tag'
          ? [{ Key: 'smcp:cleanup', Value: 'exempt' }]
          : [{ Key: 'smcp:owner', Value: 'team-bench' }],
      versions: [
        { versionId: `v-${i}`, secretString: '{"password":"bench"}', stages: ['AWSCURRENT'], createdDate: createdIso },
      ],
      replicas,
      ...(kind === 'scheduled'
        ? { deletedDate: new Date(now - DAY_MS).toISOString(), deletionDate: new Date(now + 29 * DAY_MS).toISOString() }
        : {}),
    };
    secrets[`arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-${suffix}`] = secret;
  }
  return { secrets, kinds };
};

const main = async (args: string[]) => {
  const count = Number(args[0] ?? 100_000);
  // `cleanup N mark`: the scan marks its candidates (a TagResource, an event and an owner notice each).
  const mode = args[1] ?? 'report';
  if (!['report', 'mark'].includes(mode)) throw new Error(`cleanup bench: mode must be report or mark, got "${mode}"`);
  const cloud = await startLocalCloud({ log: () => {}, logLevel: 'ERROR' });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const calls: Record<string, number> = {};
  cloud.bus.tap((event) => {
    if (event.source !== 'aws.secretsmanager') return;
    const name = String((event.detail as { eventName?: string }).eventName);
    calls[name] = (calls[name] ?? 0) + 1;
  });
  try {
    const now = cloud.clock.now().getTime();
    const { secrets, kinds } = inventory(count, now);
    cloud.secretsmanager.restore({ format: 1, secrets, replicaFailures: {} });

    // The CLI reports its own peak resident set size at exit (process.resourceUsage().maxRSS, in KiB).
    // …and the CPU it used (user + system, µs): on a shared machine, CPU time says what the work cost where wall time
    // also says how busy the machine was.
    const preload = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('smcp-bench-maxrss='+u.maxRSS+' smcp-bench-cpu='+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
    const started = process.hrtime.bigint();
    // This process is the local cloud (every emulator, the state machines, the Lambdas, the DynamoDB worker thread).
    const cloudCpuBefore = process.cpuUsage();
    // SMCP_BENCH_CPU_PROF=<dir>: the CLI writes a CPU profile there (the local cloud is this process: --cpu-prof).
    const profile = process.env.SMCP_BENCH_CPU_PROF;
    const { stdout, stderr } = await run(
      process.execPath,
      [
        ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
        '--import',
        preload,
        'scripts/smcp.ts',
        'cleanup',
        '--endpoint',
        cloud.url,
        '--json',
        ...(mode === 'report' ? [] : ['--mode', mode]),
      ],
      { cwd: ROOT, env: { ...process.env, SMCP_POLL_MS: '250' }, maxBuffer: 512 * 1024 * 1024 },
    );
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cloudCpu = process.cpuUsage(cloudCpuBefore);
    let report: { candidates: unknown[]; exempt: unknown[]; scanned: number };
    try {
      report = JSON.parse(stdout);
    } catch {
      throw new Error(`smcp cleanup --json printed no JSON document (${stdout.length} bytes): ${stderr.slice(0, 500)}`);
    }
    const maxRssKiB = Number(/smcp-bench-maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
    const cliCpuMicros = Number(/smcp-bench-cpu=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
    const perThousand = (seconds: number) => Math.round((seconds / (count / 1000)) * 1000) / 1000;
    const cloudCpuSeconds = (cloudCpu.user + cloudCpu.system) / 1e6;

    const executions = cloud.stepfunctions.executions().filter((e) => e.stateMachineArn.endsWith('-cleanup'));
    const historyEvents = executions.map((e) => cloud.stepfunctions.history(e.executionArn).length);
    const replicatedUnusedPrimaries = kinds.replicated ?? 0;
    const figures = {
      benchmark: 'cleanup',
      node: process.version,
      secrets: count,
      inventory: kinds,
      mode,
      scanned: report.scanned,
      candidates: report.candidates.length,
      exempt: report.exempt.length,
      listSecretsCalls: calls.ListSecrets ?? 0,
      listSecretsGoal: Math.ceil(count / 100) + 1,
      describeSecretCalls: calls.DescribeSecret ?? 0,
      describeSecretExpected: replicatedUnusedPrimaries,
      getSecretValueCalls: (calls.GetSecretValue ?? 0) + (calls.BatchGetSecretValue ?? 0),
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      wallSecondsPer1000: perThousand(wallSeconds),
      cloudCpuSeconds: Math.round(cloudCpuSeconds * 10) / 10,
      cloudCpuSecondsPer1000: perThousand(cloudCpuSeconds),
      cliCpuSeconds: Math.round(cliCpuMicros / 1e5) / 10,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      cliPeakRssMiB: Math.round((maxRssKiB / 1024) * 10) / 10,
      cliJsonBytes: Buffer.byteLength(stdout),
      executions: executions.length,
      largestExecutionHistoryEvents: Math.max(0, ...historyEvents),
      historyEventsLimit: 25_000,
    };
    const file = writeFigures('cleanup', figures);
    console.log(JSON.stringify(figures, null, 2));
    console.log(`figures written to ${file}`);
  } finally {
    await cloud.stop();
  }
};

export { main };

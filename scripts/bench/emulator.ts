// GetSecretValue over HTTP keep-alive, in one run, against three servers on the same machine: a bare Node HTTP server
// answering the same bytes (the ceiling), the Secrets Manager emulator alone on the local endpoint, and the whole
// local cloud as `smcp local --data-dir` runs it (durable store, every read a CloudTrail event through the bus into
// the read pipeline: SQS, the ingest-reads function, DynamoDB). Each gets requests/s and p50/p99/max latency; the
// emulators' throughput is given as a ratio to the bare server's. Goals: p99 ≤ 5 ms at 16 connections, emulator
// ratio ≥ 0.7. `--baseline <git ref>` (e.g. main) also runs `smcp local` as that commit has it (extracted with
// git archive into a temporary directory, this tree's node_modules linked in), in the same rounds as this tree's:
// before and after, each as a ratio to the bare server measured in the same round.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSecretsManager } from '../../local/secretsmanager/index.ts';
import { startEndpoint } from '../../local/server.ts';
import { httpLoad, type LoadResult, writeFigures } from './support.ts';

const HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'secretsmanager.GetSecretValue',
  // The emulator reads the region from the SigV4 scope; the signature itself is not checked locally.
  authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
};
const SECRET = 'bench/db/main';
const BODY = JSON.stringify({ SecretId: SECRET });

const createSecret = async (url: string) => {
  const created = await fetch(url, {
    method: 'POST',
    headers: { ...HEADERS, 'x-amz-target': 'secretsmanager.CreateSecret' },
    body: JSON.stringify({ Name: SECRET, SecretString: JSON.stringify({ username: 'app', password: 'x'.repeat(32) }) }),
  });
  if (!created.ok) throw new Error(`CreateSecret failed: ${await created.text()}`);
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The tree of a commit of this repository, runnable: its files, and this tree's dependencies. */
const extractCommit = (ref: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-bench-baseline-'));
  const tar = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
};

/** `smcp local` in a process of its own, as a user runs it: its background work must not share this event loop. */
const startSmcpLocal = async (dataDir: string, root = ROOT) => {
  const child = spawn(
    process.execPath,
    ['scripts/smcp.ts', 'local', '--no-demo', '--port', '0', '--data-dir', dataDir],
    {
      cwd: root,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const ready = / ready at (http:\/\/\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    });
    child.once('exit', (code) => reject(new Error(`smcp local exited with ${code}:\n${output}`)));
  });
  return { child, url };
};

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });

// USER_HZ: /proc's CPU times are in ticks of 10 ms on Linux.
const TICK_MS = 10;

/**
 * CPU time (ms) the `smcp local` process has used so far, its endpoint's thread and all its threads, from /proc
 * (Linux). Unlike latency it hardly depends on what else the machine runs: the cost of a request, in CPU, on the
 * thread that answers it.
 */
const cpuTimeMs = (pid: number | undefined) => {
  const read = (file: string) => {
    if (pid === undefined || !existsSync(file)) return undefined;
    // After the command's parenthesised name: state is field 3, utime and stime fields 14 and 15.
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  };
  return { endpoint: read(`/proc/${pid}/task/${pid}/stat`), process: read(`/proc/${pid}/stat`) };
};

const perRequestUs = (before: number | undefined, after: number | undefined, requests: number) =>
  before === undefined || after === undefined || requests === 0
    ? undefined
    : Number((((after - before) * 1000) / requests).toFixed(1));

const busEvents = async (url: string) =>
  ((await (await fetch(`${url}/_smcp/health`)).json()) as { events: number }).events;

/** Until the read pipeline has worked off what the last load queued: it must not run while another server is measured. */
const drain = async (url: string) => {
  await fetch(`${url}/_smcp/settle`, { method: 'POST', body: JSON.stringify({ timeoutMs: 120_000 }) });
};

const summary = (result: LoadResult) => ({
  requestsPerSecond: Math.round(result.done / result.seconds),
  failed: result.failed,
  latencyMs: { p50: result.latencyMs.p50, p99: result.latencyMs.p99, max: result.latencyMs.max },
});

const line = (name: string, s: ReturnType<typeof summary>, ratio?: number) =>
  `  ${name.padEnd(28)} ${String(s.requestsPerSecond).padStart(6)} req/s  p50 ${s.latencyMs.p50.toFixed(2)} ms  p99 ${s.latencyMs.p99.toFixed(2)} ms  max ${s.latencyMs.max.toFixed(1)} ms${ratio === undefined ? '' : `  ratio ${ratio}`}${s.failed ? `  (${s.failed} failed)` : ''}`;

interface CloudRound {
  readonly cloud: ReturnType<typeof summary>;
  readonly bare: ReturnType<typeof summary>;
  readonly ratio: number;
  readonly busEvents: number;
  /** CPU µs per request of the endpoint's thread during the load, and of the whole process until drained. */
  readonly cpuUsPerRequest: { readonly endpointThread?: number; readonly processWithDrain?: number };
}

const median = <T>(items: readonly T[], by: (item: T) => number): T => {
  const sorted = [...items].sort((x, y) => by(x) - by(y));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
};

const main = async (args: string[]) => {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '16' },
      rounds: { type: 'string', default: '3' },
      baseline: { type: 'string' },
    },
  });
  const durationMs = Number(values.seconds) * 1000;
  const connections = Number(values.connections);
  const rounds = Math.max(1, Number(values.rounds));
  let generator = '';
  const load = async (url: string) => {
    const result = await httpLoad({ url, headers: HEADERS, body: BODY, connections, durationMs });
    generator = result.generator;
    return result;
  };

  // The emulator alone, as before: no bus, no store.
  let events = 0;
  const sm = createSecretsManager({ now: () => new Date(), emit: () => void events++ });
  const emulator = await startEndpoint({ services: [sm.service], port: 0 });
  await createSecret(emulator.url);

  // The bare server answers exactly the bytes the emulator answers, with the same headers' shape.
  const sample = await fetch(emulator.url, { method: 'POST', headers: HEADERS, body: BODY });
  const sampleBody = await sample.text();
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(sampleBody),
        'x-amzn-requestid': crypto.randomUUID(),
      });
      res.end(sampleBody);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

  // Rounds of emulator then bare, one after the other, so both see the same machine; the median round is reported.
  await load(emulator.url);
  await load(bareUrl);
  const paired: { emulator: ReturnType<typeof summary>; bare: ReturnType<typeof summary>; ratio: number }[] = [];
  let eventsDuring = 0;
  for (let round = 0; round < rounds; round++) {
    const eventsBefore = events;
    const e = summary(await load(emulator.url));
    eventsDuring = events - eventsBefore;
    const b = summary(await load(bareUrl));
    paired.push({ emulator: e, bare: b, ratio: Number((e.requestsPerSecond / b.requestsPerSecond).toFixed(3)) });
  }
  await emulator.close();
  const chosen = median(paired, (p) => p.ratio);

  // The whole local cloud, in its own process (and the baseline's), started only now: nothing of it runs while the
  // emulator is measured. Each round measures the bare server, then each cloud in turn (the order alternating), each
  // after the other's read pipeline has drained.
  const temporary: string[] = [];
  const clouds: { label: string; child: ChildProcess; url: string; rounds: CloudRound[] }[] = [];
  try {
    const roots = [{ label: 'this tree', root: ROOT }];
    if (values.baseline) {
      const root = extractCommit(values.baseline);
      temporary.push(root);
      roots.push({ label: values.baseline, root });
    }
    for (const { label, root } of roots) {
      const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
      temporary.push(dataDir);
      const started = await startSmcpLocal(dataDir, root);
      clouds.push({ label, ...started, rounds: [] });
      await createSecret(started.url);
      // Warm-up: JIT, connection pools, the read pipeline's first batches.
      await load(started.url);
      await drain(started.url);
    }
    for (let round = 0; round < rounds; round++) {
      const b = summary(await load(bareUrl));
      const order = round % 2 === 0 ? clouds : [...clouds].reverse();
      for (const cloud of order) {
        const busBefore = await busEvents(cloud.url);
        const cpuBefore = cpuTimeMs(cloud.child.pid);
        const result = await load(cloud.url);
        const cpuLoaded = cpuTimeMs(cloud.child.pid);
        const c = summary(result);
        const busDuring = (await busEvents(cloud.url)) - busBefore;
        await drain(cloud.url);
        const cpuDrained = cpuTimeMs(cloud.child.pid);
        cloud.rounds.push({
          cloud: c,
          bare: b,
          ratio: Number((c.requestsPerSecond / b.requestsPerSecond).toFixed(3)),
          busEvents: busDuring,
          cpuUsPerRequest: {
            endpointThread: perRequestUs(cpuBefore.endpoint, cpuLoaded.endpoint, result.done),
            processWithDrain: perRequestUs(cpuBefore.process, cpuDrained.process, result.done),
          },
        });
      }
    }
  } finally {
    for (const cloud of clouds) await stopChild(cloud.child);
    bare.close();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  }

  const cloudFigures = (cloud: (typeof clouds)[number]) => {
    const mid = median(cloud.rounds, (r) => r.ratio);
    return {
      ...mid.cloud,
      ratio: mid.ratio,
      bareInSameRound: mid.bare,
      roundRatios: cloud.rounds.map((r) => r.ratio),
      roundP99Ms: cloud.rounds.map((r) => r.cloud.latencyMs.p99),
      // The goal is a p99: judged by the median of the rounds' p99s, not the p99 of the round of the median ratio.
      medianRoundP99Ms: median(cloud.rounds, (r) => r.cloud.latencyMs.p99).cloud.latencyMs.p99,
      busEvents: mid.busEvents,
      cpuUsPerRequest: mid.cpuUsPerRequest,
      roundEndpointCpuUsPerRequest: cloud.rounds.map((r) => r.cpuUsPerRequest.endpointThread),
    };
  };
  const [current, baseline] = clouds;
  if (!current) throw new Error('The local cloud was not measured');
  const cloudSummary = cloudFigures(current);
  const baselineSummary = baseline ? { commit: baseline.label, ...cloudFigures(baseline) } : undefined;
  const figures = {
    benchmark: 'secretsmanager-get-secret-value',
    node: process.version,
    connections,
    secondsPerRun: durationMs / 1000,
    rounds,
    responseBytes: Buffer.byteLength(sampleBody),
    loadGenerator: generator,
    bareNodeHttp: chosen.bare,
    emulator: { ...chosen.emulator, ratio: chosen.ratio, cloudTrailEventsEmitted: eventsDuring },
    roundRatios: paired.map((p) => p.ratio),
    localCloud: cloudSummary,
    ...(baselineSummary ? { localCloudBaseline: baselineSummary } : {}),
    goal: 'p99 ≤ 5 ms at 16 connections; emulator ratio ≥ 0.7',
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(`GetSecretValue over HTTP keep-alive, ${connections} connections, ${durationMs / 1000} s each:`);
  console.log(line('bare node http', chosen.bare));
  console.log(line('emulator alone', chosen.emulator, chosen.ratio));
  console.log(line('local cloud (smcp local)', cloudSummary, cloudSummary.ratio));
  if (baselineSummary)
    console.log(line(`local cloud at ${baselineSummary.commit}`, baselineSummary, baselineSummary.ratio));
  console.log(`  emulator/bare ratio per round: ${figures.roundRatios.join(', ')} (median reported)`);
  console.log(`  local cloud/bare ratio per round: ${cloudSummary.roundRatios.join(', ')}`);
  if (baselineSummary)
    console.log(`  ${baselineSummary.commit}/bare ratio per round: ${baselineSummary.roundRatios.join(', ')}`);
  const p99s = (figures: typeof cloudSummary) =>
    `${figures.roundP99Ms.join(', ')} ms (median ${figures.medianRoundP99Ms} ms)`;
  console.log(`  local cloud p99 per round: ${p99s(cloudSummary)}`);
  if (baselineSummary) console.log(`  ${baselineSummary.commit} p99 per round: ${p99s(baselineSummary)}`);
  const cpu = (figures: typeof cloudSummary) =>
    `endpoint thread ${figures.cpuUsPerRequest.endpointThread ?? '?'} µs CPU/request under load (rounds: ${figures.roundEndpointCpuUsPerRequest.join(', ')}), whole process ${figures.cpuUsPerRequest.processWithDrain ?? '?'} µs/request with the drain`;
  console.log(`  local cloud: ${cpu(cloudSummary)}`);
  if (baselineSummary) console.log(`  ${baselineSummary.commit}: ${cpu(baselineSummary)}`);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min)`,
  );
  console.log(
    `  ${eventsDuring} CloudTrail events from the emulator, ${cloudSummary.busEvents} bus events in the local cloud`,
  );
  console.log(`  goal: ${figures.goal}`);
  console.log(`  figures written to ${writeFigures('emulator', figures)}`);
};

export { main };

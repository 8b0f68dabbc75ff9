// GetSecretValue over HTTP keep-alive, in one run, against three servers on the same machine: a bare Node HTTP server
// answering the same bytes (the ceiling), the Secrets Manager emulator alone on the local endpoint, and the whole
// local cloud as `smcp local --data-dir` runs it (durable store, every read a CloudTrail event through the bus into
// the read pipeline: SQS, the ingest-reads function, DynamoDB). Each gets requests/s and p50/p99/max latency; the
// emulators' throughput is given as a ratio to the bare server's. Goals: p99 ≤ 5 ms at 16 connections, emulator
// ratio ≥ 0.7.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
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

/** `smcp local` in a process of its own, as a user runs it: its background work must not share this event loop. */
const startSmcpLocal = async (dataDir: string) => {
  const child = spawn(
    process.execPath,
    ['scripts/smcp.ts', 'local', '--no-demo', '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
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

const busEvents = async (url: string) =>
  ((await (await fetch(`${url}/_smcp/health`)).json()) as { events: number }).events;

const summary = (result: LoadResult) => ({
  requestsPerSecond: Math.round(result.done / result.seconds),
  failed: result.failed,
  latencyMs: { p50: result.latencyMs.p50, p99: result.latencyMs.p99, max: result.latencyMs.max },
});

const line = (name: string, s: ReturnType<typeof summary>, ratio?: number) =>
  `  ${name.padEnd(28)} ${String(s.requestsPerSecond).padStart(6)} req/s  p50 ${s.latencyMs.p50.toFixed(2)} ms  p99 ${s.latencyMs.p99.toFixed(2)} ms  max ${s.latencyMs.max.toFixed(1)} ms${ratio === undefined ? '' : `  ratio ${ratio}`}${s.failed ? `  (${s.failed} failed)` : ''}`;

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

  // The whole local cloud, in its own process, started only now: nothing of it runs while the others are measured.
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-'));
  const cloud = await startSmcpLocal(dataDir);
  let cloudSummary: ReturnType<typeof summary> | undefined;
  let busDuring = 0;
  try {
    await createSecret(cloud.url);
    // Warm-up: JIT, connection pools, the read pipeline's first batches.
    await load(cloud.url);
    const busBefore = await busEvents(cloud.url);
    cloudSummary = summary(await load(cloud.url));
    busDuring = (await busEvents(cloud.url)) - busBefore;
  } finally {
    await stopChild(cloud.child);
    bare.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (!cloudSummary) throw new Error('The local cloud was not measured');
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
    localCloud: {
      ...cloudSummary,
      ratio: Number((cloudSummary.requestsPerSecond / chosen.bare.requestsPerSecond).toFixed(3)),
      busEvents: busDuring,
    },
    goal: 'p99 ≤ 5 ms at 16 connections; emulator ratio ≥ 0.7',
  };
  console.log(`GetSecretValue over HTTP keep-alive, ${connections} connections, ${durationMs / 1000} s each:`);
  console.log(line('bare node http', chosen.bare));
  console.log(line('emulator alone', chosen.emulator, chosen.ratio));
  console.log(line('local cloud (smcp local)', cloudSummary, figures.localCloud.ratio));
  console.log(`  emulator/bare ratio per round: ${figures.roundRatios.join(', ')} (median reported)`);
  console.log(`  ${eventsDuring} CloudTrail events from the emulator, ${busDuring} bus events in the local cloud`);
  console.log(`  goal: ${figures.goal}`);
  console.log(`  figures written to ${writeFigures('emulator', figures)}`);
};

export { main };

// Shared by the benchmarks: where figures go, and a keep-alive HTTP load generator in a worker thread (so the load
// and the server under test each get a core of their own).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

const run = promisify(execFile);
const WRK = '/usr/bin/wrk';

const writeFigures = (name: string, figures: unknown): string => {
  const file = fileURLToPath(new URL(`../../bench-results/${name}.json`, import.meta.url));
  mkdirSync(fileURLToPath(new URL('../../bench-results/', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
};

const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, headers, body, connections, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
let done = 0, failed = 0, bytes = 0;
const latencies = [];
const end = Date.now() + durationMs;
const one = () => new Promise((resolve) => {
  const sent = process.hrtime.bigint();
  const req = http.request({ host: target.hostname, port: target.port, path: '/', method: 'POST', agent,
    headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.on('data', (c) => { bytes += c.length; });
    res.on('end', () => {
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      if (res.statusCode === 200) done++; else failed++;
      resolve();
    });
  });
  req.on('error', () => { failed++; resolve(); });
  req.end(body);
});
const loop = async () => { while (Date.now() < end) await one(); };
const started = Date.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const latencyMs = { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 };
  parentPort.postMessage({ done, failed, bytes, seconds: (Date.now() - started) / 1000, latencyMs });
  agent.destroy();
});
`;

interface LoadResult {
  readonly done: number;
  readonly failed: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Per request, from sending it to its answer's end. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly generator: 'wrk' | 'node-worker';
}

interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationMs: number;
}

/** wrk's durations: `870.00us`, `1.23ms`, `2.05s`, `1.50m`. */
const toMs = (text: string | undefined): number => {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return value * unit;
};

// wrk (Debian package `wrk`) is the faster client, so the server, not the load generator, sets the pace.
const wrkLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-wrk-'));
  const script = join(dir, 'request.lua');
  const headers = Object.entries(options.headers)
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(options.body)}\n${headers}\n`);
  try {
    const seconds = Math.max(1, Math.round(options.durationMs / 1000));
    const { stdout } = await run(WRK, [
      '-t1',
      `-c${options.connections}`,
      `-d${seconds}s`,
      '--latency',
      '-s',
      script,
      options.url,
    ]);
    const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
    const failed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    const elapsed = Number(/requests in ([\d.]+)s/.exec(stdout)?.[1] ?? seconds);
    // `    Latency   1.23ms  0.40ms  12.34ms  90.00%` (avg, stdev, max) and the `Latency Distribution` lines.
    const max = /Latency\s+\S+\s+\S+\s+(\S+)/.exec(stdout)?.[1];
    const latencyMs = {
      p50: toMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1]),
      p99: toMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1]),
      max: toMs(max),
    };
    return { done: total - failed, failed, bytes: 0, seconds: elapsed, latencyMs, generator: 'wrk' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const workerLoad = (options: LoadOptions): Promise<Omit<LoadResult, 'generator'>> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: options });
    worker.once('message', (result: Omit<LoadResult, 'generator'>) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });

const httpLoad = async (options: LoadOptions): Promise<LoadResult> =>
  existsSync(WRK) ? wrkLoad(options) : { ...(await workerLoad(options)), generator: 'node-worker' };

export type { LoadResult };
export { httpLoad, writeFigures };

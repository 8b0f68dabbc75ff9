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
const end = Date.now() + durationMs;
const one = () => new Promise((resolve) => {
  const req = http.request({ host: target.hostname, port: target.port, path: '/', method: 'POST', agent,
    headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.on('data', (c) => { bytes += c.length; });
    res.on('end', () => { if (res.statusCode === 200) done++; else failed++; resolve(); });
  });
  req.on('error', () => { failed++; resolve(); });
  req.end(body);
});
const loop = async () => { while (Date.now() < end) await one(); };
const started = Date.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  parentPort.postMessage({ done, failed, bytes, seconds: (Date.now() - started) / 1000 });
  agent.destroy();
});
`;

interface LoadResult {
  readonly done: number;
  readonly failed: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly generator: 'wrk' | 'node-worker';
}

interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationMs: number;
}

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
    const { stdout } = await run(WRK, ['-t1', `-c${options.connections}`, `-d${seconds}s`, '-s', script, options.url]);
    const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
    const failed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    const elapsed = Number(/requests in ([\d.]+)s/.exec(stdout)?.[1] ?? seconds);
    return { done: total - failed, failed, bytes: 0, seconds: elapsed, generator: 'wrk' };
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

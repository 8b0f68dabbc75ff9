// `npm run bench -- soak [--runs 200] [--seed 1] [--faults SPEC]`: randomized mixes of the recorded scenarios against a
// real `smcp local --data-dir`, with SMCP_FAULTS on and the process killed with SIGKILL and restarted at random
// points; after each run the invariants hold (soak/invariants.ts). Seeded: the same seed plans the same runs (which
// secrets, which events, when the kills come), though timing still decides where exactly a kill lands.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveStack } from '../cli/stack.ts';
import { createSoakCloud } from './soak/cloud.ts';
import type { Violation } from './soak/invariants.ts';
import { type RunResult, runSoak } from './soak/run.ts';
import { startTarget } from './soak/target.ts';
import { writeFigures } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_FAULTS =
  'secretsmanager:throttle=0.05,5xx=0.03,latency=2;states:throttle=0.03,5xx=0.02;sqs:5xx=0.02;events:5xx=0.02';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const main = async (args: string[]) => {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string', default: DEFAULT_FAULTS },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

  const target = await startTarget();
  const port = await freePort();
  const stack = await resolveStack({ stage: 'local', endpoint: `http://127.0.0.1:${port}` });
  const results: (RunResult & { run: number })[] = [];
  const violations: (Violation & { run: number })[] = [];
  const started = Date.now();
  try {
    for (let run = 1; run <= runs; run++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'smcp-soak-'));
      const cloud = createSoakCloud({ root: ROOT, dataDir, port, faults: values.faults, faultsSeed: seed + run });
      try {
        const result = await runSoak({
          root: ROOT,
          run,
          seed: seed * 100_003 + run,
          cloud,
          target,
          stack,
          dataDir,
        }).catch((error: unknown): RunResult => {
          // The first line only: what follows may quote the local cloud's output.
          const reason = `${(error as Error).name}: ${String((error as Error).message).split('\n')[0]}`;
          return {
            executions: 0,
            outcomes: {},
            faults: 0,
            restarts: 0,
            actions: {},
            effects: {},
            violations: [{ invariant: 'run-completes', detail: reason }],
          };
        });
        results.push({ ...result, run });
        for (const v of result.violations) violations.push({ ...v, run });
        const mark = result.violations.length === 0 ? 'ok' : `${result.violations.length} VIOLATIONS`;
        console.log(
          `run ${run}/${runs}: ${result.executions} executions, ${result.faults} faults, ${result.restarts} restarts — ${mark}`,
        );
        for (const v of result.violations) console.log(`  ${v.invariant}: ${v.detail}`);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await target.close();
  }

  const sum = (key: 'executions' | 'faults' | 'restarts') => results.reduce((total, r) => total + r[key], 0);
  const tally = (pick: (r: RunResult) => Readonly<Record<string, number>>) => {
    const out: Record<string, number> = {};
    for (const r of results) for (const [k, n] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + n;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  };
  const figures = {
    benchmark: 'soak',
    node: process.version,
    seed,
    faults: values.faults,
    runs: results.length,
    executions: sum('executions'),
    faultsInjected: sum('faults'),
    restarts: sum('restarts'),
    actions: tally((r) => r.actions),
    outcomes: tally((r) => r.outcomes),
    effects: tally((r) => r.effects),
    webhookCalls: target.calls(),
    violations: violations.length,
    violationsByInvariant: Object.fromEntries(
      [...new Set(violations.map((v) => v.invariant))].map((k) => [
        k,
        violations.filter((v) => v.invariant === k).length,
      ]),
    ),
    details: violations.slice(0, 50),
    minutes: Number(((Date.now() - started) / 60_000).toFixed(1)),
    goal: 'violations 0',
  };
  console.log(
    `soak: ${figures.runs} runs, ${figures.executions} executions, ${figures.faultsInjected} faults, ${figures.restarts} restarts (SIGKILL), ${figures.violations} violations, ${figures.minutes} min`,
  );
  console.log(`  figures written to ${writeFigures('soak', figures)}`);
};

export { main };

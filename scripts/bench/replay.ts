// Replay throughput: recorded events routed through the project's real rules and matched per second (the bus alone,
// deliveries counted but not run), and the wall time of replaying every recorded scenario end to end.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createManualClock } from '../../local/clock.ts';
import { type BusEvent, createEventBus } from '../../local/eventbridge/bus.ts';
import { buildStack } from '../../local/stack/build.ts';
import { loadServiceConfig } from '../../local/stack/service-config.ts';
import { writeFigures } from './support.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = new URL('../../test/data/aws-event-samples/', import.meta.url);
const EVENTS = 200_000;

const sample = (file: string): BusEvent => JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8')) as BusEvent;

const main = async () => {
  const config = await loadServiceConfig({ root: ROOT, stage: 'bench' });
  const stack = buildStack(config, { region: 'us-east-1', account: '000000000000' }, 'http://127.0.0.1:4566');
  let deliveries = 0;
  const bus = createEventBus({
    clock: createManualClock(),
    region: 'us-east-1',
    account: '000000000000',
    rules: stack.rules,
    deliver: async () => {
      deliveries++;
    },
  });
  // A realistic mix: mostly reads (the high-volume stream), some writes, service events and our own events.
  const mix = [
    ...Array<BusEvent>(16).fill(sample('enveloped/GetSecretValue.eventbridge.json')),
    sample('enveloped/DescribeSecret.eventbridge.json'),
    sample('PutSecretValue.eventbridge.json'),
    sample('enveloped/RotationFailed.eventbridge.json'),
    sample('SecretLabelUpdated.eventbridge.json'),
    sample('RotationSucceeded.eventbridge.json'),
    {
      ...sample('SecretLabelUpdated.eventbridge.json'),
      source: 'smcp',
      'detail-type': 'Rotation Requested',
      detail: { secretId: 'db' },
    },
  ];
  for (let i = 0; i < 10_000; i++) bus.publish(mix[i % mix.length] as BusEvent); // warm-up
  const matchedBefore = bus.stats().matched;
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) bus.publish(mix[i % mix.length] as BusEvent);
  const routeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await bus.whenIdle();
  const matched = bus.stats().matched - matchedBefore;

  // The scenario suite: every recorded scenario replayed by vitest through the local cloud (rotation against a real
  // PostgreSQL, read anomalies); and the demo replayed by the CLI.
  const timed = async (args: string[]) => {
    const started = process.hrtime.bigint();
    const result = await run(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout: result.stdout };
  };
  // Handlers log to stdout in process; the JSON report is the file vitest.config.ts has the json reporter write.
  const reportFile = join(ROOT, '.vitest', 'results.json');
  const vitest = await timed(['node_modules/vitest/vitest.mjs', 'run', 'test/rotation/scenarios', 'test/reads']);
  const suite = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
  };
  const demo = await timed(['scripts/smcp.ts', 'replay', 'events/recorded/demo', '--json']);
  const report = JSON.parse(demo.stdout) as { events: number; executions: unknown[] };

  const figures = {
    benchmark: 'replay',
    node: process.version,
    rules: stack.rules.length,
    routing: {
      events: EVENTS,
      seconds: Number(routeSeconds.toFixed(3)),
      eventsPerSecond: Math.round(EVENTS / routeSeconds),
      ruleMatches: matched,
      deliveriesStarted: deliveries,
    },
    scenarioSuite: {
      command: 'vitest run test/rotation/scenarios test/reads',
      passed: suite.numPassedTests,
      failed: suite.numFailedTests,
      wallSeconds: Number(vitest.seconds.toFixed(2)),
    },
    demoReplay: {
      command: 'smcp replay events/recorded/demo',
      events: report.events,
      executions: report.executions.length,
      wallSeconds: Number(demo.seconds.toFixed(2)),
    },
  };
  console.log(
    `Routing through ${stack.rules.length} rules: ${figures.routing.eventsPerSecond} events/s (${matched} matches in ${EVENTS} events)`,
  );
  console.log(
    `Scenario suite (vitest run test/rotation/scenarios test/reads): ${suite.numPassedTests} passed, ${suite.numFailedTests} failed, ${figures.scenarioSuite.wallSeconds} s wall`,
  );
  console.log(
    `Demo replay (smcp replay events/recorded/demo): ${report.events} events, ${report.executions.length} executions, ${figures.demoReplay.wallSeconds} s wall`,
  );
  console.log(`  figures written to ${writeFigures('replay', figures)}`);
};

export { main };

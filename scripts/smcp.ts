#!/usr/bin/env node
// The `smcp` command line. `npm start` runs `smcp local`.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: smcp <command> [options]

Commands:
  local [--port N] [--data-dir DIR] [--no-demo] [--stage NAME] [--param NAME=VALUE]... [--faults SPEC]
        [--operator NAME] [--verbose]
        Run the control plane offline: one AWS-compatible endpoint (default http://127.0.0.1:4566, or SMCP_PORT)
        with Secrets Manager, EventBridge, Step Functions, SQS, SNS and DynamoDB, driven by serverless.yml and
        events/rules/, and the console at <endpoint>/console/, which decides approvals as --operator (default
        local-operator). --param sets a stage param over serverless.yml's, as \`serverless --param\` does (e.g.
        readsTrailBucket=NAME). State is kept in the data directory (default .smcp/); the functions' JSON logs go to
        <data-dir>/logs/<function>.jsonl (--verbose prints them too). Ctrl-C stops it.
  replay <event files or folders...> [--endpoint URL] [--json] [--fresh-ids] [--timeout SECONDS] [--verbose]
        Put recorded EventBridge events on a local bus (a running \`smcp local\` at --endpoint or SMCP_ENDPOINT, or an
        embedded one), wait for the executions they start and print each as a timeline (an embedded cloud prints
        the functions' warnings; --verbose prints their JSON logs). Exit 1 if any execution ended in a state the
        scenario's expect.json (default: SUCCEEDED) does not allow.
  rotate <secret> [--reason TEXT] [--as USER] [--endpoint URL]
        Ask for an orchestrated rotation (puts a \`Rotation Requested\` event on the local bus).
  approvals [--all] [--endpoint URL] [--stage NAME]
        List pending approvals (never their task tokens).
  approve|reject <approval id> --as USER [--endpoint URL] [--stage NAME]
        Decide an approval as USER; the allowlist (APPROVERS) and the no-self-approval rule apply.
  cleanup [--mode report|mark|delete] [--dry-run] [--json|--csv] [--endpoint URL] [--stage NAME]
        Run the cleanup scan now and print its report: each candidate's name, last use, reason, phase and action, and
        each exempt secret with the reason. The mode overrides the stage's cleanupMode for this run; --dry-run plans
        it and changes nothing. Talks to AWS unless --endpoint or SMCP_ENDPOINT names a local cloud.
  restore <secret> [--endpoint URL] [--region REGION]
        Cancel a scheduled deletion (RestoreSecret) and remove the secret's cleanup mark.
  replicas [<secret>] [--dry-run] [--json] [--endpoint URL] [--stage NAME]
        Run the replica scan now (or repair one secret), wait for it and print a table: secret, region, status
        before, action, status after (--json: one JSON document). --dry-run plans and reports, changes nothing.
        Exit 0 when the scan ran, whatever it found; 1 when it could not.
  unquarantine <secret> [<principal ARN>] [--list] [--endpoint URL] [--region REGION]
        Lift a read-anomaly quarantine (the Deny statements smcp added to the secret's resource policy). Unlike the
        other commands this one talks to AWS unless --endpoint or SMCP_ENDPOINT names a local cloud.
  reads [<secret>] [--since 7d] [--json|--csv] [--endpoint URL] [--stage NAME] [--region REGION]
        What reading secrets costs: reads per day and the monthly API cost per secret and per principal, the top
        readers, and readers that look uncached with what caching would save (from the read counters; --since takes
        7d, 12h, 30m or an ISO date). Like unquarantine it talks to AWS (stage dev unless --stage) unless --endpoint
        or SMCP_ENDPOINT names a local cloud.
  help  Show this help.

--endpoint defaults to SMCP_ENDPOINT, else http://127.0.0.1:4566 (a running \`smcp local\`).
`;

class UsageError extends Error {}

/** `--param name=value`, as `serverless --param` takes it: stage params over serverless.yml's (the last one wins). */
const parseParams = (given: readonly string[]): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const param of given) {
    const at = param.indexOf('=');
    const name = at < 0 ? '' : param.slice(0, at);
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      throw new UsageError(`--param must be name=value with a param name of letters and digits, got ${param}`);
    }
    params[name] = param.slice(at + 1);
  }
  return params;
};

const local = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      stage: { type: 'string' },
      faults: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      operator: { type: 'string', default: 'local-operator' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port ?? process.env.SMCP_PORT ?? 4566);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  const dataDir = resolve(values['data-dir'] ?? '.smcp');
  const operator = values.operator.trim();
  if (operator === '' || operator.length > 256)
    throw new UsageError('--operator must be a name of 1 to 256 characters');
  const params = parseParams(values.param);
  const { startLocalCloud } = await import('../local/cloud.ts');
  // A bug left in a background path is logged and the endpoint keeps serving (local/crash-guard.ts).
  (await import('../local/crash-guard.ts')).installCrashGuard();
  const { printWarnings } = await import('../local/lambda/warnings.ts');
  const logs = join(dataDir, 'logs');
  console.log(`smcp local: resolving serverless.yml and starting the local cloud (data in ${dataDir})…`);
  const cloud = await startLocalCloud({
    port,
    dataDir,
    schedules: true,
    preload: true,
    // The handlers on a thread of their own: the read pipeline's batches do not hold up the endpoint's requests.
    lambdaThread: 'worker',
    operator,
    // Quiet by default: the functions' JSON logs go to files, their warnings get one line each.
    functionLogs: {
      dir: logs,
      print: values.verbose,
      ...(values.verbose ? {} : { onLine: printWarnings((line) => console.log(line)) }),
    },
    ...(values.stage ? { stage: values.stage } : {}),
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...((values.faults ?? process.env.SMCP_FAULTS) ? { faults: values.faults ?? process.env.SMCP_FAULTS } : {}),
    ...(process.env.SMCP_SLACK_WEBHOOK_URL ? { slackWebhookUrl: process.env.SMCP_SLACK_WEBHOOK_URL } : {}),
  });
  // Nothing to save on the way out: every change is on disk before the operation that made it answers.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cloud.stop();
    console.log('smcp local: stopped, state kept');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const rules = cloud.bus.rules().length;
  const machines = cloud.stack.stateMachines.length;
  console.log(
    `smcp local ready at ${cloud.url} — console ${cloud.consoleUrl} (as ${cloud.operator}) — ${cloud.stack.functions.length} functions, ${machines} state machines, ${rules} rules`,
  );
  console.log(`  function logs: ${logs}/<function>.jsonl${values.verbose ? ' (and printed: --verbose)' : ''}`);
  console.log(`  try: aws secretsmanager list-secrets --endpoint-url ${cloud.url}`);
  console.log(`       npm run smcp -- replay events/recorded/demo --endpoint ${cloud.url}`);
  if (!values['no-demo']) {
    const { runDemo } = await import('../local/demo.ts');
    await runDemo(cloud, (line) => console.log(line));
  }
  return new Promise<number>(() => {});
};

const replay = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      'fresh-ids': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('replay needs at least one event file or folder');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0))
    throw new UsageError(`--timeout must be a number of seconds, got ${values.timeout}`);
  const { replay: run } = await import('../local/replay/run.ts');
  const report = await run({
    paths: positionals,
    json: values.json,
    freshIds: values['fresh-ids'],
    verbose: values.verbose,
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  return report.ok ? 0 : 1;
};

const commands: Record<string, (args: string[]) => Promise<number>> = {
  local,
  replay,
  rotate: async (args) => (await import('./cli/rotate.ts')).rotate(args),
  approvals: async (args) => (await import('./cli/approvals.ts')).listApprovals(args),
  approve: async (args) => (await import('./cli/approvals.ts')).decide('approve')(args),
  reject: async (args) => (await import('./cli/approvals.ts')).decide('reject')(args),
  cleanup: async (args) => (await import('./cli/cleanup.ts')).runCleanup(args),
  restore: async (args) => (await import('./cli/cleanup.ts')).restore(args),
  replicas: async (args) => (await import('./cli/replicas.ts')).runReplicas(args),
  unquarantine: async (args) => {
    const { main: lift, report } = await import('./unquarantine.ts');
    report(await lift(args));
    return 0;
  },
  reads: async (args) => (await import('./cli/reads.ts')).reads(args),
  async help() {
    console.log(USAGE);
    return 0;
  },
};

const main = async (argv: string[]): Promise<number> => {
  const [name = 'help', ...rest] = argv;
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`smcp: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    const message = (error as Error).message;
    console.error(`smcp ${name}: ${message}`);
    const usage = error instanceof UsageError || (error as { usage?: boolean }).usage === true;
    if (usage || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`\n${USAGE}`);
      return 2;
    }
    return 1;
  }
};

// Exit explicitly: keep-alive sockets of SDK clients (ours and the handlers') must not hold a finished command open.
// But only once stdout and stderr have drained: a pipe takes a large report (replay --json) in chunks, and exiting
// before the last one is written cuts it.
const code = await main(process.argv.slice(2));
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))),
);
process.exit(code);

// The local cloud under soak: a real `smcp local --data-dir` child process, started, killed with SIGKILL and started
// again on the same directory, with SMCP_FAULTS on. Everything it prints is kept: the canary check searches it.
import { type ChildProcess, spawn } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

interface CloudOptions {
  readonly root: string;
  readonly dataDir: string;
  readonly port: number;
  readonly faults: string;
  readonly faultsSeed: number;
}

interface Health {
  readonly events: number;
  readonly faults?: { readonly throttle: number; readonly serverError: number };
}

const createSoakCloud = (options: CloudOptions) => {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | undefined;
  let output = '';
  let starts = 0;

  const start = async () => {
    starts++;
    const started = spawn(
      process.execPath,
      ['scripts/smcp.ts', 'local', '--no-demo', '--port', String(options.port), '--data-dir', options.dataDir],
      {
        cwd: options.root,
        env: {
          ...process.env,
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          SMCP_FAULTS: options.faults,
          // Each start draws other faults: a restart is not a replay of the same failures.
          SMCP_FAULTS_SEED: String(options.faultsSeed * 100 + starts),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    const before = output.length;
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.slice(before).includes(' ready at ')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`smcp local exited with ${code}:\n${output.slice(before)}`)));
    });
  };

  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill(signal);
    });

  const admin = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_smcp/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`/_smcp/${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  // The SDK's own retries absorb most injected faults, as they would AWS's.
  const config = {
    endpoint: url,
    region: 'us-east-1',
    maxAttempts: 10,
    credentials: { accessKeyId: 'soak', secretAccessKey: 'soak' },
  };

  return {
    url,
    start,
    /** SIGKILL: nothing runs on the way out. */
    kill: () => exit('SIGKILL'),
    stop: () => exit('SIGINT'),
    admin,
    health: () => admin<Health>('health'),
    output: () => output,
    clients: {
      sm: new SecretsManagerClient(config),
      sqs: new SQSClient(config),
      ddb: new DynamoDBClient(config),
      sfn: new SFNClient(config),
    },
  };
};

type SoakCloud = ReturnType<typeof createSoakCloud>;

export type { Health, SoakCloud };
export { createSoakCloud };

// `smcp local` as a user runs it: a child process, a `ready` line, Ctrl-C, and a restart that loses nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/local-cloud.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let dataDir: string;
let port: number;

const start = (...args: string[]) => {
  const child = spawn(
    process.execPath,
    ['scripts/smcp.ts', 'local', '--port', String(port), '--data-dir', dataDir, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.includes(' ready at '));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`smcp local exited with ${code}:\n${output}`)));
  });
  return { child, ready, output: () => output };
};

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

const client = () =>
  new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-local-'));
  port = await freePort();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('smcp local', () => {
  it('prints a ready line with its URL, serves the AWS API, stops on Ctrl-C and keeps its state for the next start', async () => {
    const first = start('--no-demo');
    const line = await first.ready;
    await client().send(new CreateSecretCommand({ Name: 'survives/restart', SecretString: 'v' }));
    const code = await stop(first.child);

    const second = start('--no-demo');
    await second.ready;
    const { SecretList = [] } = await client().send(new ListSecretsCommand({}));
    await stop(second.child);

    expect(line).toContain(`ready at http://127.0.0.1:${port}`);
    expect(code).toBe(0);
    expect(SecretList.map((s) => s.Name)).toEqual(['survives/restart']);
  });

  it('seeds the demo secrets and replays the demo events', async () => {
    const run = start();
    await run.ready;
    const until = async () => {
      while (!run.output().includes('demo: the dispatcher validated the events')) {
        await new Promise((resolve) => run.child.stdout?.once('data', resolve));
      }
    };
    await until();
    const { SecretList = [] } = await client().send(new ListSecretsCommand({}));
    await stop(run.child);

    expect(SecretList.map((s) => s.Name)).toEqual(expect.arrayContaining(['demo/app/api-key', 'demo/db/orders']));
    expect(run.output()).toContain(
      'demo: replayed events/recorded/demo/01-rotation-requested.json (Rotation Requested) → 1 rule(s) matched',
    );
  });

  it('refuses a bad port with a clear message', async () => {
    const child = spawn(process.execPath, ['scripts/smcp.ts', 'local', '--port', 'eighty'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number, got eighty');
  });
});

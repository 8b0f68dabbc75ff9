// `smcp local` as a user runs it: a child process, a `ready` line, Ctrl-C, and a restart that loses nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/local-cloud.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let dataDir: string;
let port: number;

/** `smcp local` on the test's port, in the test's data directory unless `--data-dir` is among `args`. */
const start = (...args: string[]) => {
  const child = spawn(
    process.execPath,
    [
      'scripts/smcp.ts',
      'local',
      '--port',
      String(port),
      ...(args.includes('--data-dir') ? [] : ['--data-dir', dataDir]),
      ...args,
    ],
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

const cli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/smcp.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
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

  it('keeps a clock moved forward across a restart: time never goes back', async () => {
    const clockUrl = `http://127.0.0.1:${port}/_smcp/clock`;
    // Three hours: enough to tell from a restart's own seconds, and few schedules fire on the way.
    const ahead = 3 * 60 * 60;
    const first = start('--no-demo');
    await first.ready;
    const advanced = (await (
      await fetch(clockUrl, { method: 'POST', body: JSON.stringify({ advanceSeconds: ahead }) })
    ).json()) as { now: string };
    await stop(first.child);

    const second = start('--no-demo');
    await second.ready;
    const resumed = (await (await fetch(clockUrl)).json()) as { now: string };
    await stop(second.child);

    expect(Date.parse(resumed.now)).toBeGreaterThanOrEqual(Date.parse(advanced.now));
    // Still three hours ahead of the wall clock: the offset is kept, not the instant it stopped at.
    expect(Date.parse(resumed.now) - Date.now()).toBeGreaterThan(ahead * 1000 - 60_000);
    expect(second.output()).toMatch(/\[clock\] resumed at \S+, \d+ s ahead of the wall clock/);
  });

  it('runs the demo: one rotation completes, one waits for an approval that `smcp approve` gives', async () => {
    const run = start();
    await run.ready;
    while (!run.output().includes('demo: done')) {
      await new Promise((resolve) => run.child.stdout?.once('data', resolve));
    }
    const approvalId = /approve (apr-[0-9a-f]+) --as local-operator/.exec(run.output())?.[1] ?? '';
    const endpoint = `http://127.0.0.1:${port}`;
    const selfApproval = await cli('approve', approvalId, '--as', 'demo', '--endpoint', endpoint);
    const listed = await cli('approvals', '--endpoint', endpoint);
    const approved = await cli('approve', approvalId, '--as', 'local-operator', '--endpoint', endpoint);
    const again = await cli('approve', approvalId, '--as', 'local-operator', '--endpoint', endpoint);
    const { SecretList = [] } = await client().send(new ListSecretsCommand({}));
    await stop(run.child);

    expect(SecretList.map((s) => s.Name)).toEqual(
      expect.arrayContaining(['demo/app/api-key', 'demo/app/payments-token']),
    );
    expect(run.output()).toMatch(/rotation 5f0c4a53-demo-4c1e-9a57-000000000001: SUCCEEDED/);
    expect(run.output()).toMatch(/rotation 5f0c4a53-demo-4c1e-9a57-000000000003: WAITING/);
    // Quiet: the timelines and the demo's lines, no function's JSON log line (those are in <data-dir>/logs/), and each
    // rotation takes the path the README describes (none is skipped behind another's lock).
    expect(run.output()).not.toMatch(/^\{/m);
    expect(run.output()).not.toContain('Rotation Skipped');
    expect(run.output()).toContain(`console http://127.0.0.1:${port}/console/ (as local-operator)`);
    expect(readdirSync(join(dataDir, 'logs'))).toContain('smcp-local-dispatch.jsonl');
    expect(listed.stdout).toContain(`${approvalId}  pending`);
    expect([selfApproval.code, selfApproval.stderr]).toEqual([1, expect.stringContaining('refused')]);
    expect([approved.code, approved.stdout]).toEqual([
      0,
      expect.stringContaining(`Approved ${approvalId} as local-operator`),
    ]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('already decided')]);
  });

  it('takes stage params with --param: with readsTrailBucket it builds no trail bucket of its own', async () => {
    const own = mkdtempSync(join(tmpdir(), 'smcp-local-param-'));
    const run = start('--no-demo', '--data-dir', own, '--param', 'readsTrailBucket=acme-org-trail');
    try {
      await run.ready;
      const s3 = new S3Client({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
      s3.destroy();
      const names = Buckets.map((b) => b.Name);

      expect(names).toContain('smcp-local-read-state-000000000000-us-east-1');
      expect(names).not.toContain('smcp-local-read-trail-000000000000-us-east-1');
    } finally {
      await stop(run.child);
      rmSync(own, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses a --param that is not name=value', async () => {
    const { code, stderr } = await cli('local', '--param', 'readsTrailBucket');

    expect(code).toBe(2);
    expect(stderr).toContain(
      '--param must be name=value with a param name of letters and digits, got readsTrailBucket',
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

// `smcp local --operator NAME` as a user starts it: the ready line names the console and who it acts as, and the
// console's header shows the same operator.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/local-cloud.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'smcp-console-cli-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('smcp local --operator', () => {
  it('prints the console on the ready line and decides as the operator it names', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'scripts/smcp.ts',
        'local',
        '--no-demo',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--operator',
        'ops-alice',
      ],
      { cwd: ROOT },
    );
    let output = '';
    const ready = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const line = output.split('\n').find((l) => l.includes(' ready at '));
        if (line) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`smcp local exited with ${code}:\n${output}`)));
    });
    const session = await (await fetch(`http://127.0.0.1:${port}/console/api/session`)).json();
    const page = await fetch(`http://127.0.0.1:${port}/console/`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;

    expect(ready).toContain(
      `ready at http://127.0.0.1:${port} — console http://127.0.0.1:${port}/console/ (as ops-alice)`,
    );
    expect(output).toContain(`function logs: ${join(dataDir, 'logs')}/<function>.jsonl`);
    expect(session).toMatchObject({ operator: 'ops-alice', stage: 'local' });
    expect(page.status).toBe(200);
  });

  it('refuses an empty operator', async () => {
    const child = spawn(process.execPath, ['scripts/smcp.ts', 'local', '--operator', ' '], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(code).toBe(2);
    expect(stderr).toContain('--operator must be a name of 1 to 256 characters');
  });
});

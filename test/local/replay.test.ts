import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

const smcp = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/smcp.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let scenario: string;

beforeAll(() => {
  scenario = mkdtempSync(join(tmpdir(), 'smcp-scenario-'));
  writeFileSync(
    join(scenario, 'event.json'),
    JSON.stringify({
      id: 'f00d0000-0000-4000-8000-000000000001',
      source: 'smcp',
      'detail-type': 'Rotation Requested',
      detail: { secretId: 'x' },
    }),
  );
  writeFileSync(join(scenario, 'expect.json'), JSON.stringify({ executions: { rotation: ['SUCCEEDED'] } }));
});

afterAll(() => rmSync(scenario, { recursive: true, force: true }));

describe('smcp replay', () => {
  it('replays recorded events through an embedded local cloud and reports what they started', async () => {
    const { code, stdout } = await smcp('replay', 'events/recorded/demo', '--json');

    const report = JSON.parse(stdout);
    expect(code).toBe(0);
    expect(report).toMatchObject({ events: 2, executions: [], deadLetters: 2, ok: true });
  });

  it('exits 1 when the scenario expects an execution that never started', async () => {
    const { code, stdout } = await smcp('replay', scenario);

    expect(code).toBe(1);
    expect(stdout).toContain('unexpected: no rotation execution started');
  });

  it('names the file when a recording is not valid', async () => {
    const bad = join(scenario, 'broken');
    writeFileSync(bad, '{"id": ');

    const { code, stderr } = await smcp('replay', bad);

    expect(code).toBe(1);
    expect(stderr).toMatch(/broken: not valid JSON/);
  });

  it('explains usage mistakes', async () => {
    const { code, stderr } = await smcp('replay');

    expect(code).toBe(2);
    expect(stderr).toContain('replay needs at least one event file or folder');
  });
});

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
  it("creates the scenario's secrets, replays its events through an embedded local cloud and reports the executions", async () => {
    const { code, stdout, stderr } = await smcp('replay', 'events/recorded/demo', '--json');

    const report = JSON.parse(stdout);
    expect(code).toBe(0);
    expect(stderr).toContain('created demo/app/api-key, demo/app/db-password, demo/app/payments-token from setup.json');
    expect(report).toMatchObject({ events: 3, deadLetters: 0, ok: true, unexpected: [] });
    const outcomes = report.executions.map((e: { workflow: string; status: string; awaitingCallback: boolean }) =>
      e.awaitingCallback ? `${e.workflow} WAITING` : `${e.workflow} ${e.status}`,
    );
    // The requested rotation, the remediation of the failed one (which asks for a retry, on its own secret), the
    // verifications of the moved AWSCURRENTs, and the rotation that waits for an approval.
    expect(outcomes).toEqual(
      expect.arrayContaining(['rotation SUCCEEDED', 'rotation WAITING', 'rotation-remediation SUCCEEDED']),
    );
    expect(outcomes.filter((o: string) => !o.endsWith('SUCCEEDED'))).toEqual(['rotation WAITING']);
  });

  it('prints each execution as a timeline of its states', async () => {
    const { stdout } = await smcp('replay', 'events/recorded/demo');

    expect(stdout).toMatch(/rotation 5f0c4a53-demo-4c1e-9a57-000000000001: SUCCEEDED in /);
    expect(stdout).toMatch(/Promote Pending To Current\s+\d+ ms {2}ok/);
    expect(stdout).toMatch(/Wait For Approval\s+… {2}waiting for a callback/);
    expect(stdout).toMatch(/3 events replayed, \d+ executions, 0 new dead letters/);
  });

  it('exits 1 when an execution ends in a state the scenario does not expect', async () => {
    const { code, stdout } = await smcp('replay', scenario);

    expect(code).toBe(1);
    expect(stdout).toContain(
      'unexpected: rotation f00d0000-0000-4000-8000-000000000001 ended FAILED, expected SUCCEEDED',
    );
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

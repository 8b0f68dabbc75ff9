// `smcp cleanup` and `smcp restore` against the local cloud: in process (the waiting between looks at the scan is the
// local cloud settling, not time passing), and as the real command for its exit codes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteSecretCommand, DescribeSecretCommand, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../local/settle.ts';
import { csvCell, type Io, restore, runCleanup } from '../../scripts/cli/cleanup.ts';
import { advanceDays, createSecret, expectNoCanary, type Harness, startHarness, tagsOf } from './support.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

let h: Harness;
let printed: string[] = [];
let errors: string[] = [];

const io = (): Io => ({
  out: (line) => printed.push(line),
  err: (line) => errors.push(line),
  pollMs: 0,
  // A running scan moves on when the local cloud does: settle instead of sleeping.
  now: () => Date.now(),
  wait: async () => {
    await settle(h.cloud, { timeoutMs: 10_000 });
  },
  flush: async () => {},
});

const cleanup = async (...args: string[]) => {
  printed = [];
  errors = [];
  const code = await runCleanup([...args, '--endpoint', h.cloud.url], io());
  return { code, printed, errors };
};

beforeAll(async () => {
  h = await startHarness();
  await createSecret(h, 'cli/unused', { readDaysAgo: { 'us-east-1': 150 } });
  await createSecret(h, 'cli/used', { readDaysAgo: { 'us-east-1': 2 } });
  await createSecret(h, 'cli/kept', { readDaysAgo: { 'us-east-1': 150 }, tags: { 'smcp:cleanup': 'exempt' } });
  await createSecret(h, '=cli/formula', { readDaysAgo: { 'us-east-1': 150 } });
});
afterAll(async () => {
  await expectNoCanary(h, printed.join('\n'));
  await h?.stop();
});

describe('smcp cleanup', () => {
  it('prints the report as one JSON document in the exact shape', async () => {
    const { code, printed } = await cleanup('--json');

    expect(code).toBe(0);
    expect(printed).toHaveLength(1);
    const report = JSON.parse(String(printed[0]));
    expect(Object.keys(report)).toEqual(['candidates', 'exempt', 'scanned']);
    const mine = report.candidates.filter((c: { name: string }) => c.name.includes('cli/'));
    expect(mine.map((c: { name: string }) => c.name)).toEqual(['=cli/formula', 'cli/unused']);
    expect(Object.keys(mine[1])).toEqual(['name', 'arn', 'lastUsed', 'reason', 'phase', 'action']);
    expect(mine[1]).toMatchObject({ phase: 'unused', action: 'none', lastUsed: expect.stringMatching(/^\d{4}-/) });
    expect(report.exempt).toContainEqual({
      name: 'cli/kept',
      arn: expect.stringContaining(':secret:cli/kept-'),
      reason: 'tag smcp:cleanup=exempt',
    });
    expect(report.scanned).toBeGreaterThanOrEqual(4);
    expect(await tagsOf(h, 'cli/unused')).not.toHaveProperty('smcp:cleanup-marked');
  });

  it('marks with --mode mark, and plans without changing anything with --dry-run', async () => {
    const dry = await cleanup('--mode', 'mark', '--dry-run', '--json');
    const dryRow = JSON.parse(String(dry.printed[0])).candidates.find((c: { name: string }) => c.name === 'cli/unused');
    const tagsAfterDryRun = await tagsOf(h, 'cli/unused');
    const real = await cleanup('--mode', 'mark', '--json');
    const realRow = JSON.parse(String(real.printed[0])).candidates.find(
      (c: { name: string }) => c.name === 'cli/unused',
    );

    expect(dryRow.action).toBe('would-mark');
    expect(tagsAfterDryRun).not.toHaveProperty('smcp:cleanup-marked');
    expect(realRow).toMatchObject({ phase: 'marked', action: 'marked' });
    expect(await tagsOf(h, 'cli/unused')).toHaveProperty('smcp:cleanup-marked');
  });

  it('prints CSV with every field quoted and formula-looking cells defused', async () => {
    const { code, printed } = await cleanup('--csv');

    expect(code).toBe(0);
    expect(printed[0]).toBe('kind,name,arn,lastUsed,reason,phase,action');
    expect(printed.find((line) => line.includes('formula'))).toMatch(/^"candidate","'=cli\/formula",/);
    expect(printed.find((line) => line.includes('cli/kept'))).toMatch(
      /^"exempt","cli\/kept",".*","","tag smcp:cleanup=exempt","exempt","none"$/,
    );
    expect(csvCell('a "quoted", text')).toBe('"a ""quoted"", text"');
  });

  it('prints a readable report by default', async () => {
    const { code, printed } = await cleanup();

    expect(code).toBe(0);
    expect(printed[0]).toMatch(
      /^Cleanup scan cli-[\w-]+ \(mode report\): \d+ secrets scanned, \d+ candidates, \d+ exempt$/,
    );
    expect(printed).toContain('Candidates:');
    expect(printed.some((line) => line.startsWith('  cli/unused  last used '))).toBe(true);
  });
});

describe('smcp restore', () => {
  it('cancels the scheduled deletion and removes the mark', async () => {
    const arn = await createSecret(h, 'cli/restore-me', { readDaysAgo: { 'us-east-1': 150 } });
    await h.clients.sm.send(
      new TagResourceCommand({ SecretId: arn, Tags: [{ Key: 'smcp:cleanup-marked', Value: '2025-12-01' }] }),
    );
    await h.clients.sm.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    await advanceDays(h, 3);
    printed = [];

    const code = await restore(['cli/restore-me', '--endpoint', h.cloud.url], { out: (line) => printed.push(line) });
    await advanceDays(h, 10);
    const after = await h.clients.sm.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(code).toBe(0);
    expect(printed).toEqual([
      'Restored cli/restore-me: it is no longer scheduled for deletion; its cleanup mark (smcp:cleanup-marked) is removed.',
    ]);
    expect(after.DeletedDate).toBeUndefined();
    expect(await tagsOf(h, 'cli/restore-me')).not.toHaveProperty('smcp:cleanup-marked');
  });

  it('says so when there is nothing to restore, and fails clearly for a secret that does not exist', async () => {
    printed = [];

    const code = await restore(['cli/used', '--endpoint', h.cloud.url], { out: (line) => printed.push(line) });

    expect(code).toBe(0);
    expect(printed).toEqual(['cli/used is not scheduled for deletion and has no cleanup mark: nothing to do.']);
    await expect(restore(['cli/none', '--endpoint', h.cloud.url], { out: () => {} })).rejects.toThrow(
      'No secret cli/none',
    );
  });
});

describe('smcp cleanup as a command', () => {
  const smcp = (...args: string[]) =>
    run(process.execPath, ['scripts/smcp.ts', ...args], { cwd: ROOT, env: { ...process.env, SMCP_ENDPOINT: '' } }).then(
      (out) => ({ code: 0, ...out }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it.each([
    [['cleanup', '--mode', 'purge'], '--mode must be report, mark or delete, got "purge"'],
    [['cleanup', '--json', '--csv'], '--json and --csv cannot be used together'],
    [['cleanup', '--verbose'], "Unknown option '--verbose'"],
    [['restore'], 'restore needs exactly one secret'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { code, stderr } = await smcp(...args);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 1 when no local cloud answers', async () => {
    const { code, stderr } = await smcp('cleanup', '--endpoint', 'http://127.0.0.1:9', '--json');

    expect(code).toBe(1);
    expect(stderr).toContain('No local cloud answers at http://127.0.0.1:9');
  });
});

// `smcp replicas` against a local cloud: the scan it starts, the table and the JSON document it prints, its exit codes
// and its answers to bad input. The test's pause between looks at the execution advances the cloud's manual clock.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../local/settle.ts';
import { runReplicas } from '../../scripts/cli/replicas.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

let t: TestCloud;

const cli = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReplicas(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    pause: async () => {
      await settle(t.cloud);
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

beforeAll(async () => {
  t = await startTestCloud();
  const create = async (name: string, tags: Record<string, string>) =>
    t.clients.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ password: crypto.randomUUID() }),
        Tags: Object.entries({ 'smcp:approval': 'none', ...tags }).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  await create('cli/failed', {});
  t.cloud.secretsmanager.placeReplica('cli/failed', { region: 'us-west-2', status: 'Failed', cause: 'transient' });
  await create('cli/wants-replica', { 'smcp:replicas': 'eu-west-1' });
  await create('cli/plain', {});
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
});

describe('smcp replicas', () => {
  it('dry run: prints the table of what it would do and changes nothing', async () => {
    const { code, out } = await cli('--dry-run', '--endpoint', t.cloud.url);

    expect(code).toBe(0);
    const [header, ...lines] = out.split('\n');
    expect(header).toMatch(/^SECRET\s+REGION\s+STATUS BEFORE\s+ACTION\s+STATUS AFTER$/);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cli\/failed\s+us-west-2\s+Failed\s+retry \(planned\)\s+Failed$/),
        expect.stringMatching(/^cli\/wants-replica\s+eu-west-1\s+Missing\s+add \(planned\)\s+Missing$/),
        expect.stringMatching(
          /^Dry run: nothing was changed\. 3 secrets listed, 1 described, 2 row\(s\), 1 execution\(s\)\.$/,
        ),
      ]),
    );
    expect(out).not.toContain('cli/plain');
  });

  it('repairs one secret and prints one JSON document with --json', async () => {
    const { code, out } = await cli('cli/failed', '--json', '--endpoint', t.cloud.url);

    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      secret: 'cli/failed',
      dryRun: false,
      counts: { executions: 1 },
      rows: [
        {
          name: 'cli/failed',
          region: 'us-west-2',
          statusBefore: 'Failed',
          action: 'retry',
          statusAfter: 'InSync',
          outcome: 'repaired',
        },
      ],
    });
  });

  it('exits 0 for a secret that does not exist, and says so', async () => {
    const { code, out } = await cli('cli/nope', '--endpoint', t.cloud.url);

    expect(code).toBe(0);
    expect(out).toMatch(/cli\/nope\s+\*\s+-\s+none \(not-found\)\s+-/);
  });

  it('exits 2 on bad usage, with the usage line', async () => {
    const twoSecrets = await cli('a', 'b', '--endpoint', t.cloud.url);
    const unknownFlag = await cli('--prune-everything', '--endpoint', t.cloud.url);

    expect(twoSecrets.code).toBe(2);
    expect(twoSecrets.err).toContain('replicas takes at most one secret');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.err).toContain("Unknown option '--prune-everything'");
    expect(unknownFlag.err).toContain('usage: smcp replicas [<secret>] [--dry-run] [--json] [--endpoint URL]');
  });

  it('exits 1 when no local cloud answers', async () => {
    const { code, err } = await cli('--endpoint', 'http://127.0.0.1:9');

    expect(code).toBe(1);
    expect(err).toMatch(/No local cloud answers at http:\/\/127\.0\.0\.1:9/);
  });
});

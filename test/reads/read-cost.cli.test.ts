// `smcp reads` as a user runs it (a child process), against a local cloud that replayed events/recorded/reads-cost:
// two hours of CloudTrail reads in which orders-api reads prod/orders/db every 40 s without a cache (90 an hour, its
// temporary key changing at 09:00) and billing-worker reads it and prod/billing/api-key every 15 minutes. The reads
// go through the real rule, queue and ingest-reads into the counters the report is built from.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayReport, replay } from '../../local/replay/run.ts';
import { loadServiceConfig } from '../../local/stack/service-config.ts';
import { readStateBucketName } from '../../scripts/cli/stack-names.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { readsNames } from './names.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../events/recorded/reads-cost', import.meta.url));
const ORDERS_API = 'arn:aws:sts::000000000000:assumed-role/orders-api/i-0a1b2c3d4e5f60001';
const BILLING_WORKER = 'arn:aws:sts::000000000000:assumed-role/billing-worker/i-0f9e8d7c6b5a40002';

let t: TestCloud;
let replayed: ReplayReport;
/** Everything the CLI printed in this file, to search for the secrets' values. */
const printed: string[] = [];

const smcp = async (...args: string[]) => {
  const result = await run(process.execPath, ['scripts/smcp.ts', ...args], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
  printed.push(result.stdout, result.stderr);
  return result;
};

const reads = (...args: string[]) => smcp('reads', ...args, '--endpoint', t.cloud.url);

beforeAll(async () => {
  // The cloud's clock stands at the end of the recording: `--since 2h` is exactly its two hours.
  t = await startTestCloud({ start: '2026-01-12T10:00:00Z' });
  replayed = await replay({ paths: [SCENARIO], endpoint: t.cloud.url, json: true, out: () => {}, err: () => {} });
  await t.cloud.whenIdle();
});
afterAll(async () => t?.cloud.stop());

describe('smcp reads', () => {
  it('reports reads per day, monthly cost, top readers and the uncached reader as one JSON document', async () => {
    const { code, stdout } = await reads('--since', '2h', '--json');

    expect(replayed).toMatchObject({ events: 196, deadLetters: 0, ok: true });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      from: '2026-01-12T08:00:00.000Z',
      to: '2026-01-12T10:00:00.000Z',
      pricePer10k: 0.05,
      uncachedPerHour: 60,
      totals: { secrets: 2, reads: 196, readsPerDay: 2352, monthlyCost: 0.3528, uncachedReaders: 1 },
    });
    const [orders, billing] = report.secrets;
    expect(orders).toMatchObject({
      name: 'prod/orders/db',
      secretArn: expect.stringMatching(/:secret:prod\/orders\/db-\w{6}$/),
      reads: 188,
      readsPerDay: 2256,
      monthlyCost: 0.3384,
      topReaders: [
        { principal: ORDERS_API, reads: 180, share: 0.9574 },
        { principal: BILLING_WORKER, reads: 8, share: 0.0426 },
      ],
    });
    // Two access keys, one principal: 90 reads in each of its two hours.
    expect(orders.principals[0]).toMatchObject({
      principal: ORDERS_API,
      readsPerDay: 2160,
      monthlyCost: 0.324,
      activeHours: 2,
      peakPerHour: 90,
      hoursOverThreshold: 2,
      uncached: true,
      savedReadsPerDay: 720,
      savingsPerMonth: 0.108,
    });
    expect(orders.principals[1]).toMatchObject({ principal: BILLING_WORKER, peakPerHour: 4, uncached: false });
    expect(billing).toMatchObject({ name: 'prod/billing/api-key', reads: 8, readsPerDay: 96, monthlyCost: 0.0144 });
    expect(report.uncached).toEqual([expect.objectContaining({ name: 'prod/orders/db', principal: ORDERS_API })]);
  });

  it('prints aligned tables with thousands separators and dollar costs', async () => {
    const { code, stdout } = await reads('--since', '2h');

    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'Secrets Manager reads 2026-01-12T08:00Z → 2026-01-12T10:00Z (2 hours), at $0.05 per 10,000 calls, 30-day months',
    );
    const header = lines.indexOf('SECRET                READS  READS/DAY  COST/MONTH  TOP READER');
    expect(lines.slice(header + 1, header + 4)).toEqual([
      `prod/orders/db          188      2,256       $0.34  ${ORDERS_API} (96%)`,
      `prod/billing/api-key      8         96       $0.01  ${BILLING_WORKER} (100%)`,
      'TOTAL                   196      2,352       $0.35',
    ]);
    expect(stdout).toMatch(new RegExp(`prod/orders/db +${ORDERS_API} +180 +2,160 +\\$0\\.32 +90\\n`));
    expect(stdout).toContain(
      'Readers that look uncached (more than 60 reads of one secret an hour, in most hours they read it)',
    );
    expect(stdout).toMatch(/ +90 +2 of 2 +\$0\.32 +\$0\.11 \(720 reads\/day\)\n/);
    expect(stdout).toContain('Caching could save at least $0.11 a month');
  });

  it('reports one secret, named or by ARN, as CSV with a header row', async () => {
    const byName = await reads('prod/billing/api-key', '--since', '2h', '--csv');
    const arn = JSON.parse((await reads('--json', '--since', '2h')).stdout).secrets[1].secretArn;
    const byArn = await reads(arn, '--since', '2h', '--csv');

    expect(byName.code).toBe(0);
    expect(byName.stdout.split('\n')).toEqual([
      'secret,secret_arn,principal,reads,reads_per_day,monthly_cost_usd,share,active_hours,peak_reads_per_hour,' +
        'hours_over_threshold,uncached,caching_saves_reads_per_day,caching_saves_usd_per_month',
      `prod/billing/api-key,${arn},${BILLING_WORKER},8,96,0.0144,1,2,4,0,false,0,0`,
      '',
    ]);
    expect(byArn.stdout).toBe(byName.stdout);
  });

  it('looks back 7 days by default', async () => {
    const report = JSON.parse((await reads('--json')).stdout);

    expect(report).toMatchObject({
      from: '2026-01-05T10:00:00.000Z',
      days: 7,
      totals: { reads: 196, readsPerDay: 28 },
    });
  });

  it.each([
    [['--since', 'garbage'], 2, 'smcp reads: --since "garbage": expected a duration (7d, 12h, 30m) or an ISO date'],
    [['--since', '2027-01-01'], 2, 'smcp reads: --since 2027-01-01 is not in the past'],
    [['--json', '--csv'], 2, 'smcp reads: --json and --csv cannot be used together: choose one format'],
    [['a', 'b'], 2, 'smcp reads: reads takes at most one secret, got 2'],
    [['--colour'], 2, "Unknown option '--colour'"],
    [['nope/missing'], 1, 'smcp reads: No secret "nope/missing" in Secrets Manager'],
  ])('refuses %j with exit code %i and says why', async (args, exitCode, message) => {
    const { code, stdout, stderr } = await reads(...args);

    expect(code).toBe(exitCode);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
    // A usage error shows the usage; a run that failed does not bury its reason under it.
    expect(stderr.includes('Usage: smcp')).toBe(exitCode === 2);
  });

  it('exits 1 with a clear message when no local cloud answers', async () => {
    const { code, stderr } = await smcp('reads', '--endpoint', 'http://127.0.0.1:9');

    expect(code).toBe(1);
    expect(stderr).toContain('No local cloud answers at http://127.0.0.1:9');
  });

  it('never prints a secret value', () => {
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.join('\n')).not.toContain('CANARY');
  });

  it('derives the AWS bucket name the way the stack names it', async () => {
    const { service } = await loadServiceConfig({ root: ROOT, stage: 'local' });

    expect(readStateBucketName(service, 'local', '000000000000', 'us-east-1')).toBe(
      readsNames(t.cloud.stack).stateBucket,
    );
  });
});

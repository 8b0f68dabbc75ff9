// A property of the whole decision path, with the real steps (Scan Page, Mark Candidate, Clear Mark, Delete Secret)
// over an in-memory Secrets Manager: random inventories, random reads in random regions, random clocks and settings,
// every approval granted. Whatever happens, no secret that is exempt, was read within N days in any region, is younger
// than N days, or has replicas without smcp:cleanup-replicas=allow is ever scheduled for deletion; and every deletion
// has a recovery window of at least 7 days. The oracle is computed from the generated history, not by the policy.
import type { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CleanupSecrets } from '../../functions/cleanup/adapters/secrets.ts';
import { DeletionRefusedError } from '../../functions/cleanup/errors.ts';
import type { Cursor, Scan, WorkItem } from '../../functions/cleanup/schemas.ts';
import { createDeleteStep } from '../../functions/cleanup/steps/delete.ts';
import { createMarkStep, createUnmarkStep } from '../../functions/cleanup/steps/mark.ts';
import { createScanPage } from '../../functions/cleanup/steps/scan-page.ts';
import type { SecretInventory, SecretSummary } from '../../functions/shared/adapters/inventory.ts';

const DAY_MS = 86_400_000;
const REGION = 'us-east-1';
const quiet = { info() {}, warn() {}, error() {} } as unknown as Logger;

interface ModelSecret {
  readonly arn: string;
  readonly name: string;
  readonly created: number;
  tags: Record<string, string>;
  readonly owningService?: string;
  deleted?: number;
  /** Region → the last read's instant. */
  reads: Record<string, number>;
  replicas: string[];
}

interface Deletion {
  readonly arn: string;
  readonly at: number;
  readonly recoveryDays: number;
}

const dayIso = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString();

/** Secrets Manager as the steps see it, over the model: reads are stored to the day, as AWS keeps them. */
const fakeCloud = (secrets: ModelSecret[], clock: { now: number }) => {
  const deletions: Deletion[] = [];
  const byArn = (arn: string) => {
    const secret = secrets.find((s) => s.arn === arn);
    if (!secret) throw new Error(`no ${arn}`);
    return secret;
  };
  const summary = (s: ModelSecret): SecretSummary => ({
    arn: s.arn,
    name: s.name,
    createdDate: new Date(s.created).toISOString(),
    rotationEnabled: false,
    tags: { ...s.tags },
    ...(s.reads[REGION] === undefined ? {} : { lastAccessedDate: dayIso(s.reads[REGION]) }),
    ...(s.deleted === undefined ? {} : { deletedDate: new Date(s.deleted).toISOString() }),
    ...(s.replicas.length > 0 ? { primaryRegion: REGION } : {}),
    ...(s.owningService ? { owningService: s.owningService } : {}),
  });
  const replicaUse = (s: ModelSecret) =>
    s.replicas.map((region) => ({
      region,
      ...(s.reads[region] === undefined ? {} : { lastAccessedDate: dayIso(s.reads[region]) }),
    }));
  const inventory: SecretInventory = {
    async page({ nextToken, maxResults = 100 }) {
      const start = Number(nextToken ?? 0);
      const next = start + maxResults;
      return {
        secrets: secrets.slice(start, next).map(summary),
        ...(next < secrets.length ? { nextToken: String(next) } : {}),
      };
    },
    async replication(arn) {
      return replicaUse(byArn(arn)).map((r) => ({ ...r, status: 'InSync' }));
    },
  };
  const cleanupSecrets: CleanupSecrets = {
    async describe(arn) {
      const s = byArn(arn);
      const { rotationEnabled: _, ...secret } = summary(s);
      return { secret, replicas: replicaUse(s) };
    },
    async mark(arn, day) {
      byArn(arn).tags['smcp:cleanup-marked'] = day;
    },
    async unmark(arn) {
      delete byArn(arn).tags['smcp:cleanup-marked'];
    },
    async removeReplicas(arn, regions) {
      const s = byArn(arn);
      s.replicas = s.replicas.filter((r) => !regions.includes(r));
      for (const region of regions) delete s.reads[region];
    },
    async scheduleDeletion(arn, recoveryDays) {
      const s = byArn(arn);
      // As Secrets Manager: a primary with replicas, or one already scheduled, cannot be deleted.
      if (s.replicas.length > 0 || s.deleted !== undefined) throw new DeletionRefusedError(arn, 'refused');
      s.deleted = clock.now;
      deletions.push({ arn, at: clock.now, recoveryDays });
      return { deletionDate: new Date(clock.now + recoveryDays * DAY_MS).toISOString() };
    },
  };
  return { inventory, cleanupSecrets, deletions };
};

const secretArb = (i: number) =>
  fc
    .record({
      exemptTag: fc.boolean(),
      exemptPrefix: fc.boolean(),
      owned: fc.boolean(),
      allowReplicas: fc.boolean(),
      createdDaysAgo: fc.integer({ min: 0, max: 800 }),
      primaryRead: fc.option(fc.integer({ min: 0, max: 800 }), { nil: undefined }),
      replicas: fc.subarray(['eu-west-1', 'ap-south-1']),
      replicaReads: fc.tuple(fc.option(fc.integer({ min: 0, max: 800 })), fc.option(fc.integer({ min: 0, max: 800 }))),
      preMarkedDaysAgo: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    })
    .map((g) => ({ ...g, i }));

const scenarioArb = fc.record({
  start: fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }),
  unusedDays: fc.integer({ min: 1, max: 200 }),
  graceDays: fc.integer({ min: 1, max: 30 }),
  recoveryDays: fc.integer({ min: 7, max: 30 }),
  pageSize: fc.integer({ min: 1, max: 7 }),
  secrets: fc.integer({ min: 0, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => secretArb(i)))),
  // Between two scans: some days pass (at some hour), and some secrets are read somewhere.
  steps: fc.array(
    fc.record({
      days: fc.integer({ min: 0, max: 60 }),
      hour: fc.integer({ min: 0, max: 23 }),
      reads: fc.array(fc.record({ secret: fc.nat(), region: fc.constantFrom(REGION, 'eu-west-1', 'ap-south-1') }), {
        maxLength: 5,
      }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

describe('cleanup deletions (property)', () => {
  it('never deletes an exempt, recently read, young or unconsented replicated secret; always with a recovery window', async () => {
    let deleted = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const clock = { now: scenario.start };
        const day = (daysAgo: number) => scenario.start - daysAgo * DAY_MS;
        const model: ModelSecret[] = scenario.secrets.map((g) => {
          const created = day(g.createdDaysAgo);
          const readAt = (daysAgo: number | null | undefined) =>
            daysAgo === null || daysAgo === undefined ? undefined : Math.max(created, day(daysAgo));
          const reads: Record<string, number> = {};
          const primary = readAt(g.primaryRead);
          if (primary !== undefined) reads[REGION] = primary;
          g.replicas.forEach((region, k) => {
            const at = readAt(g.replicaReads[k]);
            if (at !== undefined) reads[region] = at;
          });
          const tags: Record<string, string> = {};
          if (g.exemptTag) tags['smcp:cleanup'] = 'exempt';
          if (g.allowReplicas) tags['smcp:cleanup-replicas'] = 'allow';
          if (g.preMarkedDaysAgo !== undefined)
            tags['smcp:cleanup-marked'] = dayIso(day(g.preMarkedDaysAgo)).slice(0, 10);
          return {
            arn: `arn:aws:secretsmanager:${REGION}:000000000000:secret:s${g.i}-AbCdEf`,
            name: `${g.exemptPrefix ? 'keep/' : 'app/'}s${g.i}`,
            created,
            tags,
            ...(g.owned ? { owningService: 'rds' } : {}),
            reads,
            replicas: [...g.replicas],
          };
        });
        const exempt = new Set(
          scenario.secrets.filter((g) => g.exemptTag || g.exemptPrefix || g.owned).map((g) => model[g.i]?.arn),
        );
        const allowsReplicas = new Set(scenario.secrets.filter((g) => g.allowReplicas).map((g) => model[g.i]?.arn));
        const hadReplicas = new Set(scenario.secrets.filter((g) => g.replicas.length > 0).map((g) => model[g.i]?.arn));
        /** Every read ever, per secret: the oracle's view (instants, not days). */
        const readLog = new Map(model.map((s) => [s.arn, Object.values(s.reads)]));

        const { inventory, cleanupSecrets, deletions } = fakeCloud(model, clock);
        const bus = { publish: async () => {} };
        const notices = { notify: async () => {} };
        const approvals = {
          get: async (approvalId: string) => ({
            approvalId,
            taskToken: 't',
            secretId: approvalId,
            action: 'delete-secret',
            requestedBy: 'cleanup',
            expiresAt: '2099-01-01T00:00:00.000Z',
            status: 'approved' as const,
          }),
        };
        const scanPage = createScanPage({ inventory, reports: { put: async () => {} }, logger: quiet });
        const mark = createMarkStep({ secrets: cleanupSecrets, bus, notices, logger: quiet });
        const unmark = createUnmarkStep({ secrets: cleanupSecrets, bus, logger: quiet });
        const remove = createDeleteStep({ secrets: cleanupSecrets, approvals, bus, notices, logger: quiet });

        for (const [n, step] of scenario.steps.entries()) {
          clock.now += step.days * DAY_MS + step.hour * 3_600_000;
          for (const read of step.reads) {
            const s = model[read.secret % Math.max(1, model.length)];
            if (!s || s.deleted !== undefined || (read.region !== REGION && !s.replicas.includes(read.region)))
              continue;
            s.reads[read.region] = clock.now;
            readLog.get(s.arn)?.push(clock.now);
          }
          const today = new Date(clock.now).toISOString().slice(0, 10);
          const scan: Scan = {
            scanId: `scan-${n}`,
            scanTime: new Date(clock.now).toISOString(),
            today,
            mode: 'delete',
            dryRun: false,
            requestedBy: 'cleanup',
            region: REGION,
            part: 1,
            pageSize: scenario.pageSize,
            pagesPerExecution: 1000,
            unusedDays: scenario.unusedDays,
            graceDays: scenario.graceDays,
            recoveryDays: scenario.recoveryDays,
            exemptPrefixes: ['keep/'],
            approvalDefault: 'required',
          };
          let cursor: Cursor = { nextToken: null, pages: 0, events: 0, scanned: 0, candidates: 0, exempt: 0 };
          for (;;) {
            const page = await scanPage({ scan, cursor });
            for (const item of page.items as WorkItem[]) {
              if (item.work === 'mark') await mark({ scan, item });
              else if (item.work === 'unmark') await unmark({ scan, item });
              else await remove({ scan, item, approval: { approvalId: item.arn } });
            }
            cursor = page.cursor;
            if (!page.more) break;
          }
        }

        deleted += deletions.length;
        for (const deletion of deletions) {
          const limit = deletion.at - scenario.unusedDays * DAY_MS;
          const secret = model.find((s) => s.arn === deletion.arn);
          expect(exempt.has(deletion.arn), 'an exempt secret was deleted').toBe(false);
          expect(secret && secret.created < limit, 'a secret younger than N days was deleted').toBe(true);
          for (const at of readLog.get(deletion.arn) ?? []) {
            expect(at < limit, 'a secret read within N days was deleted').toBe(true);
          }
          if (hadReplicas.has(deletion.arn))
            expect(allowsReplicas.has(deletion.arn), 'replicas removed unasked').toBe(true);
          expect(deletion.recoveryDays).toBeGreaterThanOrEqual(7);
        }
      }),
      { numRuns: 300 },
    );
    // The property is about deletions: the generated histories must produce plenty of them.
    expect(deleted).toBeGreaterThan(100);
  });
});

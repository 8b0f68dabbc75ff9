// Scan Page: one ListSecrets page (at most 100 secrets), judged by the policy; DescribeSecret only for the secrets that
// look unused and have replicas (ListSecrets does not say when a replica was last read). The page's report rows go to
// the report table; the step returns only the changes for the Map and the cursor, so the payload stays small
// whatever the inventory (a page's items are at most 100, each well under 2 KB).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretInventory, SecretSummary } from '../../shared/adapters/inventory.ts';
import type { ReportStore } from '../adapters/reports.ts';
import { mustContinue, pageCost } from '../domain/budget.ts';
import { plan } from '../domain/plan.ts';
import { evaluate, type PolicySettings, type Verdict } from '../domain/policy.ts';
import { approvalRequired, CleanupTag } from '../domain/tags.ts';
import type { Cursor, PageInput, ReportRow, Scan, WorkItem } from '../schemas.ts';

const REPORT_DAYS = 30;
// DescribeSecret calls in flight at once: replicated candidates are few, and the API has its own rate limits.
const DESCRIBE_CONCURRENCY = 5;

interface ScanPageDeps {
  readonly inventory: SecretInventory;
  readonly reports: Pick<ReportStore, 'put'>;
  readonly logger: Logger;
}

interface PageOutput {
  readonly items: WorkItem[];
  readonly cursor: Cursor;
  /** Another page follows. */
  readonly more: boolean;
  /** …in a new execution: this one has spent its share of history (or of pages). */
  readonly continueAsNew: boolean;
}

const policyOf = (scan: Scan): PolicySettings => ({
  unusedDays: scan.unusedDays,
  graceDays: scan.graceDays,
  exemptPrefixes: scan.exemptPrefixes,
  region: scan.region,
});

/** Runs `task` over `items` with at most `limit` at a time, results in order. */
const mapLimited = async <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

const workItemOf = (secret: SecretSummary, row: ReportRow, work: WorkItem['work'], verdict: Verdict, scan: Scan) => {
  const owner = secret.tags[CleanupTag.owner]?.trim();
  const markedOn = verdict.kind === 'needs-replicas' ? undefined : verdict.markedOn;
  const item: WorkItem = {
    ...row,
    work,
    approvalRequired: approvalRequired(secret.tags, scan.approvalDefault),
    replicaRegions: verdict.kind === 'unused' ? [...verdict.replicaRegions] : [],
    ...(markedOn === undefined ? {} : { markedOn }),
    ...(owner ? { owner } : {}),
  };
  return item;
};

const createScanPage =
  ({ inventory, reports, logger }: ScanPageDeps) =>
  async ({ scan, cursor }: PageInput): Promise<PageOutput> => {
    const page = await inventory.page({
      maxResults: scan.pageSize,
      // Secrets already scheduled for deletion are listed too: the report shows them as exempt.
      includePlannedDeletion: true,
      ...(scan.namePrefix ? { filters: [{ Key: 'name', Values: [scan.namePrefix] }] } : {}),
      ...(cursor.nextToken ? { nextToken: cursor.nextToken } : {}),
    });
    const settings = policyOf(scan);
    const options = { mode: scan.mode, dryRun: scan.dryRun, graceDays: scan.graceDays, today: scan.today };
    let described = 0;
    const judged = await mapLimited(page.secrets, DESCRIBE_CONCURRENCY, async (secret) => {
      let verdict = evaluate(secret, undefined, settings, scan.today);
      if (verdict.kind === 'needs-replicas') {
        described++;
        verdict = evaluate(secret, await inventory.replication(secret.arn), settings, scan.today);
      }
      return { secret, verdict, planned: plan(secret, verdict, options) };
    });
    const rows: ReportRow[] = [];
    const items: WorkItem[] = [];
    for (const { secret, verdict, planned } of judged) {
      if (!planned.row) continue;
      rows.push(planned.row);
      if (planned.work) items.push(workItemOf(secret, planned.row, planned.work, verdict, scan));
    }
    const expiresAt = Math.floor(Date.parse(scan.scanTime) / 1000) + REPORT_DAYS * 86_400;
    await reports.put(scan.scanId, rows, expiresAt);

    const next: Cursor = {
      nextToken: page.nextToken ?? null,
      pages: cursor.pages + 1,
      events: cursor.events + pageCost(items.length),
      scanned: cursor.scanned + page.secrets.length,
      candidates: cursor.candidates + rows.filter((r) => r.kind === 'candidate').length,
      exempt: cursor.exempt + rows.filter((r) => r.kind === 'exempt').length,
    };
    const more = page.nextToken !== undefined;
    const continueAsNew =
      more &&
      mustContinue({
        pages: next.pages,
        events: next.events,
        pageSize: scan.pageSize,
        pagesPerExecution: scan.pagesPerExecution,
      });
    logger.info('Cleanup page scanned', {
      scanId: scan.scanId,
      secrets: page.secrets.length,
      described,
      rows: rows.length,
      changes: items.length,
      more,
      continueAsNew,
    });
    return { items, cursor: next, more, continueAsNew };
  };

export type { PageOutput };
export { createScanPage };

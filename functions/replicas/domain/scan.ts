// A scan through the inventory, kept inside Step Functions' limits at any size: 256 KB per payload and 25,000 history
// events per execution. One ListSecrets page (100 secrets) at a time; only the page's candidates go to the Map; after
// a bounded number of pages or repairs the execution starts its own continuation (continue-as-new) and ends.
//
// The bound on history events, from statemachines/replica-repair.asl.yml (a Task costs 5 events — entered, scheduled,
// started, succeeded, exited —, a Choice, Pass or Wait 2, a Map iteration 2 more):
//   per page without candidates: Find Candidates 5 + Map 2 + Record The Page 5 + More To Scan? 2  = 14
//   per repaired secret (worst path): iteration 2 + Dry Run? 2 + lock 5 + Locked? 2 + plan 5 + Anything To Change? 2
//     + Needs Approval? 2 + approval 5 + start 5 + Settled? 2 + checks × (Wait 2 + check 5 + Settled? 2) + release 5
//     + report 5                                                                                 = 47 + 9 × 30 = 317
//   so PAGES_PER_EXECUTION × 14 + ITEMS_PER_EXECUTION × 317 + 20 = 100 × 14 + 40 × 317 + 20 = 14,100 < 25,000.
// Payloads: a candidate is an ARN and a name (< 2.7 KB at AWS's maxima, ~150 bytes in practice); a row is capped by
// its schema (functions/replicas/schemas.ts) and a secret reports at most one row per region; a page takes candidates
// only while their regions fit ROW_BUDGET, and an execution whose rows pass RESULT_BYTES continues in a new one, so the
// rows an execution carries stay near 100 KB (about 200 bytes a row in practice).
import { createHash } from 'node:crypto';

const PAGE_SIZE = 100;
const PAGES_PER_EXECUTION = 100;
const ITEMS_PER_EXECUTION = 40;
const ROW_BUDGET = 500;
const RESULT_BYTES = 128 * 1024;
const MAX_CONCURRENCY = 10;

const SAFE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** The continuation's execution name: deterministic, so starting it twice starts it once. */
const continuationName = (scanId: string, sequence: number): string => {
  const suffix = `-c${sequence}`;
  const name = `${scanId}${suffix}`;
  if (SAFE_NAME.test(name)) return name;
  const digest = createHash('sha256').update(scanId).digest('base64url').slice(0, 16);
  return `${scanId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80 - suffix.length - digest.length - 1)}-${digest}${suffix}`;
};

interface Budget {
  /** Pages this execution has listed, items (candidates) it has sent to the Map, rows it carries and their size. */
  readonly pages: number;
  readonly items: number;
  readonly rows: number;
  readonly bytes: number;
}

/** Whether one more candidate, reporting `regions` rows, fits this execution (the first one always does). */
const fits = (budget: Pick<Budget, 'items' | 'rows'>, taken: { items: number; rows: number }, regions: number) =>
  (budget.items === 0 && taken.items === 0) ||
  (budget.items + taken.items + 1 <= ITEMS_PER_EXECUTION &&
    budget.rows + taken.rows + Math.max(1, regions) <= ROW_BUDGET);

type Next = 'page' | 'continue' | 'done';

/** After a page: list the next one here, continue in a new execution, or stop. */
const nextAfter = (budget: Budget, more: boolean): Next => {
  if (!more) return 'done';
  if (
    budget.pages >= PAGES_PER_EXECUTION ||
    budget.items >= ITEMS_PER_EXECUTION ||
    budget.rows >= ROW_BUDGET ||
    budget.bytes >= RESULT_BYTES
  ) {
    return 'continue';
  }
  return 'page';
};

export type { Budget, Next };
export {
  continuationName,
  fits,
  ITEMS_PER_EXECUTION,
  MAX_CONCURRENCY,
  nextAfter,
  PAGE_SIZE,
  PAGES_PER_EXECUTION,
  RESULT_BYTES,
  ROW_BUDGET,
};

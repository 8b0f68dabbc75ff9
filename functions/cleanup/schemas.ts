// The cleanup area's boundaries: what starts a scan (the schedule through the dispatcher, or `smcp cleanup`), the scan
// and its cursor as they travel between steps and continued executions, each step's input, the report rows and the
// events the area emits. zod/mini (see functions/approvals/schemas.ts): the scan's functions load no more than this.
import * as z from 'zod/mini';

const CleanupMode = z.enum(['report', 'mark', 'delete']);
type CleanupMode = z.infer<typeof CleanupMode>;

const count = z.number().check(z.int(), z.nonnegative());
const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/**
 * What a run may ask for (`detail` of the execution input): `smcp cleanup` sets the mode and dry run; a schedule's
 * detail is `{}`, so the stage's cleanupMode applies. The page knobs exist for tests and very large inventories.
 */
const ScanRequest = z.object({
  mode: z.optional(CleanupMode),
  dryRun: z.optional(z.boolean()),
  requestedBy: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  pageSize: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
  pagesPerExecution: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  /** Scan only the secrets whose names start with this (a ListSecrets name filter): a part of the inventory. */
  namePrefix: z.optional(z.string().check(z.minLength(1), z.maxLength(512), z.regex(/^[a-zA-Z0-9 :_@/+=.-]+$/))),
});
type ScanRequest = z.infer<typeof ScanRequest>;

/** Plan The Scan: the workflow input the dispatcher (or the CLI) starts the execution with. */
const PlanInput = z.object({
  /** The execution's name: the scan's id, kept by every execution it continues into. */
  scanId: z.string().check(z.minLength(1), z.maxLength(80)),
  /** The execution's input: `{trigger, secretId, detail}` (functions/dispatch/schemas.ts WorkflowInput). */
  request: z.object({
    trigger: z.object({ time: z.string().check(z.minLength(1), z.maxLength(64)) }),
    detail: z.optional(z.nullable(ScanRequest)),
  }),
});
type PlanInput = z.infer<typeof PlanInput>;

/** One scan, the same in every execution it continues into: its settings are fixed when it starts. */
const Scan = z.object({
  scanId: z.string().check(z.minLength(1), z.maxLength(80)),
  /** The instant the scan judges ages at (its trigger's time, on the local cloud the local clock's). */
  scanTime: z.string(),
  today: Day,
  mode: CleanupMode,
  dryRun: z.boolean(),
  requestedBy: z.string(),
  region: z.string(),
  part: z.number().check(z.int(), z.gte(1)),
  pageSize: z.number().check(z.int(), z.gte(1), z.lte(100)),
  pagesPerExecution: z.number().check(z.int(), z.gte(1)),
  unusedDays: z.number().check(z.int(), z.gte(1)),
  graceDays: z.number().check(z.int(), z.gte(1)),
  recoveryDays: z.number().check(z.int(), z.gte(7), z.lte(30)),
  exemptPrefixes: z.array(z.string()),
  approvalDefault: z.string(),
  namePrefix: z.optional(z.string()),
});
type Scan = z.infer<typeof Scan>;

/** Where the scan is: the next page's token, this execution's pages and history spent, the totals so far. */
const Cursor = z.object({
  nextToken: z.optional(z.nullable(z.string())),
  pages: count,
  events: count,
  scanned: count,
  candidates: count,
  exempt: count,
});
type Cursor = z.infer<typeof Cursor>;

const PageInput = z.object({ scan: Scan, cursor: Cursor });
type PageInput = z.infer<typeof PageInput>;

/** A report row: exactly what `smcp cleanup --json` prints per secret (plus which list it belongs to). */
const ReportRow = z.object({
  kind: z.enum(['candidate', 'exempt']),
  name: z.string(),
  arn: z.string(),
  lastUsed: z.nullable(z.string()),
  reason: z.string(),
  phase: z.string(),
  action: z.string(),
});
type ReportRow = z.infer<typeof ReportRow>;

/** One change the Map makes: the row it started from, and what the steps need to make it. */
const WorkItem = z.extend(ReportRow, {
  work: z.enum(['mark', 'unmark', 'delete']),
  markedOn: z.optional(Day),
  owner: z.optional(z.string()),
  approvalRequired: z.boolean(),
  replicaRegions: z.array(z.string()),
});
type WorkItem = z.infer<typeof WorkItem>;

const ItemInput = z.object({ scan: Scan, item: WorkItem });
type ItemInput = z.infer<typeof ItemInput>;

/** Delete Secret runs after Lock Secret and, when required, the approval: the task output names the record. */
const DeleteInput = z.object({
  scan: Scan,
  item: WorkItem,
  /** The approval task's output (`{approvalId, …}`), or `{required: false}` when none was needed. */
  approval: z.optional(z.nullable(z.object({ approvalId: z.optional(z.string().check(z.maxLength(256))) }))),
});
type DeleteInput = z.infer<typeof DeleteInput>;

const RecordInput = z.object({ scan: Scan, outcomes: z.array(ReportRow) });
type RecordInput = z.infer<typeof RecordInput>;

const ContinueInput = z.object({ scan: Scan, cursor: Cursor });
type ContinueInput = z.infer<typeof ContinueInput>;

// --- Events (source smcp): ids, names, days and verdicts, never a value -------------------------------------------

/** `Cleanup Candidate Marked`. */
const CleanupCandidateMarkedDetail = z.object({
  secretId: z.string(),
  name: z.string(),
  markedOn: Day,
  lastUsed: z.nullable(z.string()),
  reason: z.string(),
  deletableFrom: Day,
  owner: z.nullable(z.string()),
  scanId: z.string(),
});
type CleanupCandidateMarkedDetail = z.infer<typeof CleanupCandidateMarkedDetail>;

/** `Cleanup Candidate Cleared`: a marked secret was read again (or became exempt); its mark is gone. */
const CleanupCandidateClearedDetail = z.object({
  secretId: z.string(),
  name: z.string(),
  markedOn: z.nullable(z.string()),
  lastUsed: z.nullable(z.string()),
  reason: z.string(),
  scanId: z.string(),
});
type CleanupCandidateClearedDetail = z.infer<typeof CleanupCandidateClearedDetail>;

/** `Secret Scheduled For Deletion`: DeleteSecret with a recovery window; `smcp restore` undoes it until then. */
const SecretScheduledForDeletionDetail = z.object({
  secretId: z.string(),
  name: z.string(),
  deletionDate: z.string(),
  recoveryDays: z.number(),
  lastUsed: z.nullable(z.string()),
  markedOn: z.nullable(z.string()),
  /** Removed first, at once and for good (replicas have no recovery window). */
  replicasRemoved: z.array(z.string()),
  scanId: z.string(),
});
type SecretScheduledForDeletionDetail = z.infer<typeof SecretScheduledForDeletionDetail>;

export {
  CleanupCandidateClearedDetail,
  CleanupCandidateMarkedDetail,
  CleanupMode,
  ContinueInput,
  Cursor,
  DeleteInput,
  ItemInput,
  PageInput,
  PlanInput,
  RecordInput,
  ReportRow,
  Scan,
  ScanRequest,
  SecretScheduledForDeletionDetail,
  WorkItem,
};

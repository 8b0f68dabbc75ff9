// The replica-repair area's boundaries: the event that asks for a scan (the dispatcher validates it), each step's
// input from statemachines/replica-repair.asl.yml, the rows a scan reports (the execution's output, which `smcp
// replicas` prints) and the events the area emits. Written with zod/mini (see functions/approvals/schemas.ts): these
// functions load no schema machinery they never call. Ids, names, regions, classes and verdicts only: never a value.
import * as z from 'zod/mini';

const id = z.string().check(z.minLength(1), z.maxLength(2048));
const text = (max: number) => z.string().check(z.maxLength(max));
const count = z.number().check(z.int(), z.nonnegative());

// --- The request -----------------------------------------------------------------------------------------------------

/**
 * `smcp` / `Replica Scan Requested` (events/rules/replica-scan-requested.json): a scan now, of one secret or of every
 * secret, for real or as a dry run. Scenarios and automation put it on the bus; `smcp replicas` starts the state
 * machine directly with the same fields.
 */
const ReplicaScanRequestedDetail = z.object({
  secretId: z.optional(id),
  dryRun: z.optional(z.boolean()),
  requestedBy: z.optional(text(256)),
});
type ReplicaScanRequestedDetail = z.infer<typeof ReplicaScanRequestedDetail>;

/** Where a page of ListSecrets resumes: its token and how many of its secrets are done. */
const Cursor = z.object({ nextToken: z.optional(z.string().check(z.maxLength(8192))), offset: count });
type Cursor = z.infer<typeof Cursor>;

/**
 * The execution's input, whoever started it: the dispatcher (`{trigger, secretId, detail}`), `smcp replicas` (the same
 * plus `dryRun`), or the execution it continues (plus `scan`, where to go on from).
 */
const ScanRequest = z.looseObject({
  trigger: z.optional(z.looseObject({ rule: z.optional(z.string()), eventId: z.optional(z.string()) })),
  secretId: z.optional(z.nullable(id)),
  detail: z.optional(z.unknown()),
  dryRun: z.optional(z.boolean()),
  scan: z.optional(z.object({ id: id, sequence: count, cursor: z.optional(Cursor) })),
});
type ScanRequest = z.infer<typeof ScanRequest>;

const ScanMode = z.enum(['one', 'all']);

/** What every step of a scan knows about it. */
const ScanInfo = z.object({
  /** The first execution's name: continued executions share it. */
  id: id,
  /** 0 for the first execution, then 1, 2, … for each continuation. */
  sequence: count,
  dryRun: z.boolean(),
  mode: ScanMode,
  secretId: z.optional(id),
  requestedBy: text(256),
});
type ScanInfo = z.infer<typeof ScanInfo>;

/** An execution's own tally (a continuation starts from zero): what it listed, described, sent to the Map, reports. */
const ScanProgress = z.object({
  pages: count,
  items: count,
  rows: count,
  listed: count,
  described: count,
  cursor: z.optional(Cursor),
});
type ScanProgress = z.infer<typeof ScanProgress>;

/** A secret worth a closer look: the Map's item (ids only). */
const Candidate = z.object({ secretId: id, name: text(512) });
type Candidate = z.infer<typeof Candidate>;

// --- What a scan reports ---------------------------------------------------------------------------------------------

const Outcome = z.enum([
  'in-sync',
  'planned',
  'repaired',
  'pruned',
  'failed',
  'escalated',
  'reported',
  'waiting',
  'rejected',
  'skipped',
  'not-found',
  'error',
]);
type Outcome = z.infer<typeof Outcome>;

/** One line of the report: a region of a secret (`*` when the secret could not be looked at). */
const ReplicaRow = z.object({
  secretId: id,
  name: text(512),
  region: text(64),
  statusBefore: text(32),
  action: text(32),
  statusAfter: text(32),
  outcome: Outcome,
  class: z.optional(text(32)),
  reason: z.optional(text(400)),
});
type ReplicaRow = z.infer<typeof ReplicaRow>;

/** One page's candidates, the rows found without a closer look, and where the next page starts. */
const CandidatesPage = z.object({
  scan: ScanInfo,
  candidates: z.array(Candidate),
  rows: z.array(ReplicaRow),
  cursor: z.optional(Cursor),
  listed: count,
  described: count,
});
type CandidatesPage = z.infer<typeof CandidatesPage>;

// --- Step inputs -----------------------------------------------------------------------------------------------------

const FindCandidatesInput = z.object({ request: ScanRequest, progress: ScanProgress, executionName: id });
type FindCandidatesInput = z.infer<typeof FindCandidatesInput>;

/** What one Map iteration ends with: Report The Repair's rows, or (when the report itself failed) the candidate. */
const IterationResult = z.object({ rows: z.optional(z.array(ReplicaRow)), failed: z.optional(Candidate) });
type IterationResult = z.infer<typeof IterationResult>;

const RecordPageInput = z.object({
  request: ScanRequest,
  progress: ScanProgress,
  page: CandidatesPage,
  pageResults: z.array(IterationResult),
  results: z.array(ReplicaRow),
});
type RecordPageInput = z.infer<typeof RecordPageInput>;

const PlanInput = z.object({ candidate: Candidate, scan: ScanInfo, executionName: id });
type PlanInput = z.infer<typeof PlanInput>;

const RegionPlan = z.object({
  region: text(64),
  statusBefore: text(32),
  kmsKeyId: z.optional(id),
  class: z.optional(text(32)),
  action: text(32),
  targetKmsKeyId: z.optional(id),
  force: z.optional(z.boolean()),
  reason: text(400),
});

const DriftReport = z.object({
  missing: z.array(text(64)),
  extra: z.array(text(64)),
  wrongKey: z.array(z.object({ region: text(64), kmsKeyId: id, desiredKmsKeyId: id })),
  invalidTag: z.optional(text(400)),
});

/** Plan The Repair's result: what each region gets, and whether the gate and the lock matter. */
const RepairPlan = z.object({
  secretId: id,
  name: text(512),
  primaryRegion: text(64),
  dryRun: z.boolean(),
  found: z.boolean(),
  changes: z.boolean(),
  approvalRequired: z.boolean(),
  regions: z.array(RegionPlan),
  drift: z.optional(DriftReport),
  /** One line for the approval request: which regions, which actions. */
  summary: text(512),
});
type RepairPlan = z.infer<typeof RepairPlan>;

const RegionProgress = z.object({
  region: text(64),
  action: text(32),
  statusBefore: text(32),
  targetKmsKeyId: z.optional(id),
  force: z.boolean(),
  attempts: count,
  state: z.enum(['replicating', 'backing-off', 'repaired', 'pruned', 'failed']),
  backoffSeconds: z.optional(count),
  statusAfter: z.optional(text(32)),
  versionId: z.optional(id),
  class: z.optional(text(32)),
  reason: z.optional(text(400)),
});

const RepairProgress = z.object({
  regions: z.array(RegionProgress),
  checks: count,
  settled: z.boolean(),
  waitSeconds: count,
});
type RepairProgress = z.infer<typeof RepairProgress>;

const StartRepairInput = z.object({ plan: RepairPlan });
type StartRepairInput = z.infer<typeof StartRepairInput>;

const CheckRepairInput = z.object({ plan: RepairPlan, progress: RepairProgress });
type CheckRepairInput = z.infer<typeof CheckRepairInput>;

/** Why a repair stopped short, set by the workflow's Pass states (a rejection, a busy lock, a failed step). */
const StopReason = z.object({ kind: z.enum(['rejected', 'busy', 'error']), reason: text(1024) });

const StepError = z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) });

/** Report The Repair takes the iteration's whole state: which fields exist depends on the path taken. */
const ReportInput = z.object({
  executionName: id,
  state: z.looseObject({
    candidate: Candidate,
    scan: ScanInfo,
    plan: z.optional(RepairPlan),
    progress: z.optional(RepairProgress),
    stopped: z.optional(StopReason),
    error: z.optional(StepError),
  }),
});
type ReportInput = z.infer<typeof ReportInput>;

const ContinueInput = z.object({ request: ScanRequest, progress: ScanProgress, scan: ScanInfo });
type ContinueInput = z.infer<typeof ContinueInput>;

// --- Events ----------------------------------------------------------------------------------------------------------

const RegionOutcome = z.object({
  region: text(64),
  action: text(32),
  statusBefore: text(32),
  statusAfter: text(32),
  class: z.optional(text(32)),
  kmsKeyId: z.optional(id),
  versionId: z.optional(id),
  reason: z.optional(text(400)),
});

/** `Replica Repair Planned`: what a repair (or a dry run) is about to do. */
const ReplicaRepairPlannedDetail = z.object({
  secretId: id,
  name: text(512),
  executionName: id,
  dryRun: z.boolean(),
  approvalRequired: z.boolean(),
  regions: z.array(RegionPlan),
});
type ReplicaRepairPlannedDetail = z.infer<typeof ReplicaRepairPlannedDetail>;

/** `Replica Repaired`: the regions repaired (InSync, serving the primary's AWSCURRENT) or pruned. */
const ReplicaRepairedDetail = z.object({
  secretId: id,
  name: text(512),
  executionName: id,
  regions: z.array(RegionOutcome),
});
type ReplicaRepairedDetail = z.infer<typeof ReplicaRepairedDetail>;

/**
 * `Replica Repair Failed`: the regions not repaired — failed, escalated or rejected — and whether people were told;
 * `escalatedAt` when they were told of this very failure before and not again now (the repeat interval).
 */
const ReplicaRepairFailedDetail = z.object({
  secretId: id,
  name: text(512),
  executionName: id,
  escalated: z.boolean(),
  escalatedAt: z.optional(text(32)),
  reason: text(1024),
  regions: z.array(RegionOutcome),
});
type ReplicaRepairFailedDetail = z.infer<typeof ReplicaRepairFailedDetail>;

/** `Replica Drift Detected`: how the replicas differ from smcp:replicas. */
const ReplicaDriftDetectedDetail = z.object({
  secretId: id,
  name: text(512),
  executionName: id,
  dryRun: z.boolean(),
  missing: z.array(text(64)),
  extra: z.array(text(64)),
  wrongKey: z.array(z.object({ region: text(64), kmsKeyId: id, desiredKmsKeyId: id })),
  invalidTag: z.optional(text(400)),
  /** The tag smcp:replica-prune is allow: extra regions are removed, wrong keys replaced. */
  pruneAllowed: z.boolean(),
});
type ReplicaDriftDetectedDetail = z.infer<typeof ReplicaDriftDetectedDetail>;

export {
  Candidate,
  CandidatesPage,
  CheckRepairInput,
  ContinueInput,
  Cursor,
  FindCandidatesInput,
  IterationResult,
  Outcome,
  PlanInput,
  RecordPageInput,
  RepairPlan,
  RepairProgress,
  ReplicaDriftDetectedDetail,
  ReplicaRepairedDetail,
  ReplicaRepairFailedDetail,
  ReplicaRepairPlannedDetail,
  ReplicaRow,
  ReplicaScanRequestedDetail,
  ReportInput,
  ScanInfo,
  ScanProgress,
  ScanRequest,
  StartRepairInput,
};

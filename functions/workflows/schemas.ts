// The workflows area's boundaries: the Step Functions status change the execution-failed rule delivers (what the
// dispatcher keeps of it), the steps of the failure-alert workflow, and the `Workflow Failed` event it emits.
// Written with zod/mini (as functions/approvals/schemas.ts): the alert's functions load no schema machinery they never
// call. The dispatcher imports this file for the rule's detail schema.
import * as z from 'zod/mini';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** An execution ARN: `arn:aws:states:<region>:<account>:execution:<state machine>:<name>`. */
const ExecutionArn = z
  .string()
  .check(z.maxLength(2048), z.regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]+:[^:\s]+$/));

const StateMachineArn = z
  .string()
  .check(z.maxLength(2048), z.regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:\s]+$/));

/** The endings the execution-failed rule listens for. */
const FailedStatus = z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']);
type FailedStatus = z.infer<typeof FailedStatus>;

/**
 * `Step Functions Execution Status Change` as the dispatcher passes it on: ids, the status and the error name only.
 * `input`, `output` and `cause` are not in the schema, so the parse drops them: they never reach the workflow, whatever
 * they hold. Nothing here is believed: the workflow's first step reads the execution back.
 */
const ExecutionStatusChangeDetail = z.object({
  executionArn: ExecutionArn,
  stateMachineArn: StateMachineArn,
  name: text(80),
  status: FailedStatus,
  startDate: z.number(),
  stopDate: z.nullable(z.number()),
  error: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});
type ExecutionStatusChangeDetail = z.infer<typeof ExecutionStatusChangeDetail>;

/** Inspect Failed Execution: the execution named by the event, and this workflow's own state machine. */
const InspectInput = z.object({ executionArn: ExecutionArn, alertStateMachineArn: StateMachineArn });
type InspectInput = z.infer<typeof InspectInput>;

/** What Inspect Failed Execution read back from Step Functions (never the input or output themselves). */
const Failure = z.object({
  /** False when Step Functions says the execution did not end that way (or is not this stack's to alert on). */
  ended: z.boolean(),
  skipReason: z.optional(text(256)),
  executionArn: ExecutionArn,
  stateMachineArn: StateMachineArn,
  workflow: text(80),
  name: text(80),
  status: text(32),
  error: z.nullable(text(128)),
  lastState: z.nullable(text(128)),
  /** The secret the execution's input names (every dispatched workflow's `secretId`), if any. */
  secretId: z.nullable(text(2048)),
});
type Failure = z.infer<typeof Failure>;

/** Release Locks: the lease owner is the execution's name, the key the secret's ARN (functions/rotation/steps/lock.ts). */
const ReleaseLocksInput = z.object({ owner: text(80), secretId: z.nullable(text(2048)) });
type ReleaseLocksInput = z.infer<typeof ReleaseLocksInput>;

const LocksOutcome = z.object({
  released: z.optional(z.boolean()),
  /** How many leases were given back: one at most for a workflow about one secret, any number for a scan. */
  releasedCount: z.optional(z.number()),
  lockKey: z.optional(text(2048)),
  /** Set by the workflow's Catch when Release Locks failed: the error's name, never its cause. */
  Error: z.optional(z.string().check(z.maxLength(256))),
});
type LocksOutcome = z.infer<typeof LocksOutcome>;

/** Send Alert: what was read back and what the lease release did. */
const SendAlertInput = z.object({ failure: Failure, locks: LocksOutcome });
type SendAlertInput = z.infer<typeof SendAlertInput>;

/** `Workflow Failed` (source smcp): ids, names, the status and the error name; never input, output or a cause. */
const WorkflowFailedDetail = z.object({
  executionArn: ExecutionArn,
  stateMachineArn: StateMachineArn,
  workflow: text(80),
  status: text(32),
  error: z.nullable(text(128)),
  lastState: z.nullable(text(128)),
  secretId: z.nullable(text(2048)),
  lock: z.enum(['released', 'none-held', 'release-failed']),
});
type WorkflowFailedDetail = z.infer<typeof WorkflowFailedDetail>;

export {
  ExecutionStatusChangeDetail,
  FailedStatus,
  Failure,
  InspectInput,
  LocksOutcome,
  ReleaseLocksInput,
  SendAlertInput,
  WorkflowFailedDetail,
};

// The rotation area's boundaries: the events that start its three workflows (rotation, rotation-remediation,
// rotation-verification) and what each step accepts from its state machine. Zod only: the dispatcher imports the event
// schemas from here, and each handler parses its input with one of these (functions/shared/step.ts). A step input
// that does not match is a bug in the definition: the parser's ParseError is not retried and routes to compensation.
// The approval gate's inputs are the approvals area's (functions/approvals/schemas.ts).
import * as z from 'zod/mini';
import { awsServiceEventDetail, SecretRef } from '../shared/schemas.ts';

// --- Events ---------------------------------------------------------------------------------------------------------

/**
 * `smcp` / `Rotation Requested`: from `smcp rotate`, a schedule, the anomaly response or remediation. The one
 * definition of this detail: the dispatcher validates the event with it and Plan Rotation's input carries it.
 */
const RotationRequestedDetail = z.object({
  secretId: SecretRef,
  reason: z.optional(z.string().check(z.maxLength(1024))),
  requestedBy: z.optional(z.string().check(z.maxLength(512))),
  /**
   * The requester's AWS principal (an IAM user, role session or federated user ARN), as `smcp rotate` finds it with
   * STS GetCallerIdentity. It can only make an approval harder: the approvals area refuses an approver with this
   * principal or its name (functions/approvals/domain/policy.ts).
   */
  requestedByPrincipal: z.optional(
    z.string().check(z.maxLength(2048), z.regex(/^arn:aws[\w-]*:(?:iam|sts)::\d{12}:[\w+=,.@/-]+$/)),
  ),
  requestId: z.optional(z.string().check(z.maxLength(128))),
});
type RotationRequestedDetail = z.infer<typeof RotationRequestedDetail>;

/** `aws.secretsmanager` / `Secret Label Updated`: a staging label moved (the rule asks for AWSCURRENT). */
const LabelUpdatedDetail = z.object({
  name: SecretRef,
  labelUpdated: z.literal('AWSCURRENT'),
  versionId: z.string().check(z.minLength(1)),
});
type LabelUpdatedDetail = z.infer<typeof LabelUpdatedDetail>;

/**
 * Secrets Manager's rotation service events as the dispatcher passes them on (rules rotation-failed.json and
 * rotation-succeeded.json name these events in their patterns).
 */
const RotationServiceEventDetail = awsServiceEventDetail(['RotationFailed', 'RotationAbandoned', 'RotationSucceeded']);
type RotationServiceEventDetail = z.infer<typeof RotationServiceEventDetail>;

// --- Step inputs (Parameters in statemachines/rotation*.asl.yml) ----------------------------------------------------

const Id = z.string().check(z.minLength(1), z.maxLength(2048));
/** A version id: the rotation's token (a UUID derived from the execution) or a version Secrets Manager created. */
const Token = z.uuid();

/** Lock Secret, Release Lock: the lease is keyed by the secret and owned by the execution (its name). */
const LockInput = z.object({ secretId: SecretRef, owner: Id });
type LockInput = z.infer<typeof LockInput>;

/** Plan Rotation: the request's detail is the event's, with the event's limits. */
const PlanInput = z.object({ secretId: SecretRef, executionArn: Id, detail: RotationRequestedDetail });
type PlanInput = z.infer<typeof PlanInput>;

/** Create Pending Version. */
const CreatePendingInput = z.object({ secretId: SecretRef, token: Token, strategy: Id });
type CreatePendingInput = z.infer<typeof CreatePendingInput>;

const TARGET_OPERATIONS = ['setSecret', 'testPending', 'verifyCurrent', 'revertTarget', 'rollbackTarget'] as const;
/** Set Secret On Target, Test Pending Secret, Verify Current On Target, Revert Target, Restore Previous, Verify Rollback. */
const TargetInput = z.extend(CreatePendingInput, {
  operation: z.enum(TARGET_OPERATIONS),
  /** verifyCurrent: the version AWSCURRENT must be on (the token after promotion, the prior one after a roll back). */
  expectCurrent: z.optional(Id),
});
type TargetInput = z.infer<typeof TargetInput>;
type TargetOperation = TargetInput['operation'];

const LABEL_OPERATIONS = ['promote', 'discardPending', 'rollback'] as const;
/** Promote Pending To Current, Discard Pending Version (Clear Pending Version), Roll Back To Previous. */
const LabelsInput = z.object({
  secretId: SecretRef,
  token: Token,
  operation: z.enum(LABEL_OPERATIONS),
  priorVersionId: z.optional(Id),
});
type LabelsInput = z.infer<typeof LabelsInput>;
type LabelOperation = LabelsInput['operation'];

/** Inspect Secret (rotation-verification): started by `Secret Label Updated` or RotationSucceeded. */
const InspectInput = z.object({
  secretArn: Id,
  trigger: z.object({ time: z.optional(z.string()) }),
  detail: z.union([LabelUpdatedDetail, RotationServiceEventDetail]),
});
type InspectInput = z.infer<typeof InspectInput>;

/** Mark Roll Back: the version a roll back moves AWSCURRENT away from. */
const MarkRollbackInput = z.object({
  secretId: SecretRef,
  fromVersionId: z.string().check(z.minLength(1), z.maxLength(64)),
});
type MarkRollbackInput = z.infer<typeof MarkRollbackInput>;

/** Diagnose Failure (rotation-remediation): started by RotationFailed or RotationAbandoned. */
const DiagnoseInput = z.object({ secretArn: Id, detail: RotationServiceEventDetail });
type DiagnoseInput = z.infer<typeof DiagnoseInput>;

// --- Report inputs (Notify Outcome) ---------------------------------------------------------------------------------
// Notify Outcome is the one step every path ends in, and what a workflow's state holds depends on the path it took
// (no plan when the lock failed, no approval when none was needed, an error only after a failure). So each field the
// report reads is optional, and a field of another type counts as absent: a report always goes out, with what is known.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A non-empty string, else absent. */
const text = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((value) => (typeof value === 'string' && value !== '' ? value : undefined)),
  ),
);
/** Any string (a Catch's `Error` and `Cause` may be empty), else absent. */
const anyText = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((value) => (typeof value === 'string' ? value : undefined)),
  ),
);
/** `true` only when the value is the boolean true. */
const flag = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((value) => value === true),
  ),
);
/** A step's result, read only for whether there is one (the remediation's `$.done.*`). */
const present = z.optional(z.unknown());
/** One of the state's objects with the fields a report reads from it; anything else counts as an empty object. */
const part = <T extends z.core.$ZodShape>(shape: T) =>
  z.optional(
    z.pipe(
      z.transform((value: unknown) => (isRecord(value) ? value : {})),
      z.object(shape),
    ),
  );

/** `{Error, Cause}` as a Catch leaves it. */
const Caught = part({ Error: anyText, Cause: anyText });
type Caught = z.infer<typeof Caught>;

/** What set the workflow off (the dispatcher's input), as the reports name it. */
const Trigger = part({ rule: text, eventId: text, detailType: text });

/** The rotation's Notify Outcome reads these fields of the state (statemachines/rotation.asl.yml). */
const RotationReportState = z.object({
  secretId: text,
  trigger: Trigger,
  detail: part({ reason: text, requestedBy: text, requestId: text }),
  lock: part({ secretArn: text }),
  plan: part({
    enabled: flag,
    secretArn: text,
    strategy: text,
    token: text,
    priorVersionId: text,
    requestedBy: text,
    reason: text,
  }),
  /** Check Approval's result (from the approval record), never the wait's output: `$.approvalCallback` is not read. */
  approval: part({ approvalId: text, decidedBy: text }),
  outcome: part({ type: text, reason: text }),
  error: Caught,
  compensationError: Caught,
});
type RotationReportState = z.infer<typeof RotationReportState>;

const RotationReportInput = z.object({ state: RotationReportState, executionArn: Id });
type RotationReportInput = z.infer<typeof RotationReportInput>;

/** The remediation's Notify Outcome reads these (statemachines/rotation-remediation.asl.yml). */
const RemediationReportState = z.object({
  secretId: text,
  trigger: Trigger,
  detail: part({ eventName: text, errorMessage: text }),
  lock: part({ secretArn: text }),
  diagnosis: part({
    secretArn: text,
    failedStep: text,
    strategy: text,
    current: text,
    currentReason: text,
    currentVersionId: text,
    previousVersionId: text,
    pendingVersionId: text,
    retryPolicy: flag,
  }),
  /** What each action state left: `$.done.<action>`. */
  done: part({ restoreCurrent: present, clearPending: present, rollback: present, rollbackTarget: present }),
  outcome: part({ type: text, reason: text }),
  error: Caught,
  compensationError: Caught,
});
type RemediationReportState = z.infer<typeof RemediationReportState>;

/** The verification's Notify Outcome reads these (statemachines/rotation-verification.asl.yml). */
const VerificationReportState = z.object({
  secretId: text,
  trigger: Trigger,
  detail: part({ eventName: text }),
  lock: part({ secretArn: text }),
  inspection: part({
    secretArn: text,
    strategy: text,
    currentVersionId: text,
    previousVersionId: text,
    reason: text,
  }),
  outcome: part({ type: text, reason: text }),
  error: Caught,
  compensationError: Caught,
});
type VerificationReportState = z.infer<typeof VerificationReportState>;

/** One function reports for both aftercare workflows; the ASL names which. */
const AftercareReportInput = z.discriminatedUnion('workflow', [
  z.object({ workflow: z.literal('rotation-remediation'), state: RemediationReportState, executionArn: Id }),
  z.object({ workflow: z.literal('rotation-verification'), state: VerificationReportState, executionArn: Id }),
]);
type AftercareReportInput = z.infer<typeof AftercareReportInput>;

export type { Caught, LabelOperation, TargetOperation };
export {
  AftercareReportInput,
  CreatePendingInput,
  DiagnoseInput,
  InspectInput,
  LabelsInput,
  LabelUpdatedDetail,
  LockInput,
  MarkRollbackInput,
  PlanInput,
  RemediationReportState,
  RotationReportInput,
  RotationReportState,
  RotationRequestedDetail,
  RotationServiceEventDetail,
  TargetInput,
  VerificationReportState,
};

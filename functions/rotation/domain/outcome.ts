// The outcome of one rotation execution, as the event the workflow puts on the bus: who asked, what happened and why,
// with ids and error names only. Built from the fields of the workflow state that Notify Outcome reads
// (RotationReportState in ../schemas.ts): the state's shape depends on the path taken, so every one may be absent.
import type { Caught, RotationReportState } from '../schemas.ts';

const OUTCOMES = {
  completed: 'Rotation Completed',
  skipped: 'Rotation Skipped',
  rejected: 'Rotation Rejected',
  failed: 'Rotation Failed',
  rolledBack: 'Rotation Rolled Back',
  rollbackFailed: 'Rotation Rollback Failed',
} as const;
type OutcomeType = (typeof OUTCOMES)[keyof typeof OUTCOMES];

// Outcomes someone must look at: something broke, even if it was undone.
const ALERTING: ReadonlySet<string> = new Set([OUTCOMES.failed, OUTCOMES.rolledBack, OUTCOMES.rollbackFailed]);
const MAX_MESSAGE = 500;

interface ErrorSummary {
  readonly name: string;
  readonly message: string;
}

interface OutcomeDetail {
  readonly secretId: string;
  readonly outcome: OutcomeType;
  readonly reason: string;
  readonly requestedBy: string;
  readonly executionArn: string;
  readonly eventId?: string;
  readonly requestId?: string;
  readonly strategy?: string;
  readonly versionId?: string;
  readonly previousVersionId?: string;
  readonly approvalId?: string;
  readonly approvedBy?: string;
  readonly error?: ErrorSummary;
  readonly compensationError?: ErrorSummary;
}

const isOutcomeType = (value: unknown): value is OutcomeType =>
  typeof value === 'string' && (Object.values(OUTCOMES) as string[]).includes(value);

/** The `errorMessage` of a Lambda's JSON error `{errorType, errorMessage, trace}`. */
const errorMessageOf = (parsed: unknown): string | undefined => {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { errorMessage } = parsed as { errorMessage?: unknown };
  return typeof errorMessage === 'string' ? errorMessage : undefined;
};

/** `{Error, Cause}` from a Catch: the Cause is a Lambda's JSON `{errorType, errorMessage, trace}` or plain text. */
const summariseError = (caught: Caught): ErrorSummary | undefined => {
  const name = caught?.Error;
  if (name === undefined) return undefined;
  let message = caught?.Cause ?? '';
  try {
    message = errorMessageOf(JSON.parse(message)) ?? message;
  } catch {
    // Plain text (States.Timeout, a SendTaskFailure cause): keep it.
  }
  return { name, message: message.slice(0, MAX_MESSAGE) };
};

const reasonFor = (type: OutcomeType, state: RotationReportState, error: ErrorSummary | undefined): string => {
  if (type === OUTCOMES.skipped) return state.outcome?.reason ?? 'skipped';
  if (type === OUTCOMES.rejected) {
    if (error?.name === 'States.Timeout') return 'the approval request timed out (a timeout counts as a rejection)';
    return error?.message || 'the approval was rejected';
  }
  if (type === OUTCOMES.completed) return state.plan?.reason ?? state.detail?.reason ?? 'not given';
  return error ? `${error.name}: ${error.message}` : 'unknown failure';
};

/** The event detail for the workflow's final state, and whether to alert a human too. */
const buildOutcome = (state: RotationReportState, executionArn: string): { detail: OutcomeDetail; alert: boolean } => {
  const { plan, lock, detail: request, approval, trigger } = state;
  const claimed = state.outcome?.type;
  const type: OutcomeType = isOutcomeType(claimed) ? claimed : OUTCOMES.failed;
  const error = summariseError(state.error);
  const compensationError = summariseError(state.compensationError);
  const planned = plan?.enabled === true;
  const detail: OutcomeDetail = {
    secretId: plan?.secretArn ?? lock?.secretArn ?? state.secretId ?? 'unknown',
    outcome: type,
    reason: reasonFor(type, state, error),
    requestedBy: plan?.requestedBy ?? request?.requestedBy ?? 'smcp',
    executionArn,
    ...(trigger?.eventId ? { eventId: trigger.eventId } : {}),
    ...(request?.requestId ? { requestId: request.requestId } : {}),
    ...(plan?.strategy ? { strategy: plan.strategy } : {}),
    ...(planned && plan?.token ? { versionId: plan.token } : {}),
    ...(planned && plan?.priorVersionId ? { previousVersionId: plan.priorVersionId } : {}),
    // `$.approval` is Check Approval's result, read from the approval record after the wait; the wait's own output
    // (`$.approvalCallback`, whatever the caller of SendTaskSuccess sent) is never read here.
    ...(approval?.approvalId ? { approvalId: approval.approvalId } : {}),
    ...(approval?.decidedBy ? { approvedBy: approval.decidedBy } : {}),
    ...(error && type !== OUTCOMES.rejected ? { error } : {}),
    ...(compensationError ? { compensationError } : {}),
  };
  return { detail, alert: ALERTING.has(type) };
};

export type { ErrorSummary, OutcomeDetail, OutcomeType };
export { buildOutcome, OUTCOMES, summariseError };

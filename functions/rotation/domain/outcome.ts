// The outcome of one rotation execution, as the event the workflow puts on the bus: who asked, what happened and why,
// with ids and error names only. Built from the workflow state, whose shape depends on the path taken, so every field
// is read defensively.

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

type Json = Record<string, unknown>;

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

const obj = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const isOutcomeType = (value: unknown): value is OutcomeType =>
  typeof value === 'string' && (Object.values(OUTCOMES) as string[]).includes(value);

/** `{Error, Cause}` from a Catch: the Cause is a Lambda's JSON `{errorType, errorMessage, trace}` or plain text. */
const summariseError = (caught: unknown): ErrorSummary | undefined => {
  const { Error: name, Cause: cause } = obj(caught);
  if (typeof name !== 'string') return undefined;
  let message = typeof cause === 'string' ? cause : '';
  try {
    const parsed = obj(JSON.parse(message));
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Plain text (States.Timeout, a SendTaskFailure cause): keep it.
  }
  return { name, message: message.slice(0, MAX_MESSAGE) };
};

const reasonFor = (type: OutcomeType, state: Json, error: ErrorSummary | undefined): string => {
  if (type === OUTCOMES.skipped) return str(obj(state.outcome).reason) ?? 'skipped';
  if (type === OUTCOMES.rejected) {
    if (error?.name === 'States.Timeout') return 'the approval request timed out (a timeout counts as a rejection)';
    return error?.message || 'the approval was rejected';
  }
  if (type === OUTCOMES.completed) return str(obj(state.plan).reason) ?? str(obj(state.detail).reason) ?? 'not given';
  return error ? `${error.name}: ${error.message}` : 'unknown failure';
};

/** The event detail for the workflow's final state, and whether to alert a human too. */
const buildOutcome = (state: Json, executionArn: string): { detail: OutcomeDetail; alert: boolean } => {
  const outcome = obj(state.outcome);
  const type: OutcomeType = isOutcomeType(outcome.type) ? outcome.type : OUTCOMES.failed;
  const plan = obj(state.plan);
  const lock = obj(state.lock);
  const request = obj(state.detail);
  const approval = obj(state.approval);
  const trigger = obj(state.trigger);
  const error = summariseError(state.error);
  const compensationError = summariseError(state.compensationError);
  const planned = plan.enabled === true;
  const detail: OutcomeDetail = {
    secretId: str(plan.secretArn) ?? str(lock.secretArn) ?? str(state.secretId) ?? 'unknown',
    outcome: type,
    reason: reasonFor(type, state, error),
    requestedBy: str(plan.requestedBy) ?? str(request.requestedBy) ?? 'smcp',
    executionArn,
    ...(str(trigger.eventId) ? { eventId: str(trigger.eventId) } : {}),
    ...(str(request.requestId) ? { requestId: str(request.requestId) } : {}),
    ...(str(plan.strategy) ? { strategy: str(plan.strategy) } : {}),
    ...(planned && str(plan.token) ? { versionId: str(plan.token) } : {}),
    ...(planned && str(plan.priorVersionId) ? { previousVersionId: str(plan.priorVersionId) } : {}),
    ...(str(approval.approvalId) ? { approvalId: str(approval.approvalId) } : {}),
    ...(str(approval.decidedBy) ? { approvedBy: str(approval.decidedBy) } : {}),
    ...(error && type !== OUTCOMES.rejected ? { error } : {}),
    ...(compensationError ? { compensationError } : {}),
  };
  return { detail, alert: ALERTING.has(type) };
};

export type { ErrorSummary, OutcomeDetail, OutcomeType };
export { buildOutcome, OUTCOMES, summariseError };

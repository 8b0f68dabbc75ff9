// Rotation remediation after Secrets Manager reports RotationFailed or RotationAbandoned: what the labels say, which
// step failed, what to restore, whether to ask for an orchestrated retry, and the outcome event. Pure: the diagnose
// step hands in the secret's tags and labels and the verdict of AWSCURRENT's test.
import type { RemediationReportState } from '../schemas.ts';
import { holderOf, Stage, type Versions } from './labels.ts';
import { summariseError } from './outcome.ts';
import { TAGS } from './plan.ts';
import { triggerOf } from './verification.ts';

const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
type FailedStep = (typeof ROTATION_STEPS)[number] | 'abandoned' | 'unknown';

const REMEDIATION_OUTCOMES = {
  remediated: 'Rotation Remediated',
  failed: 'Rotation Remediation Failed',
  skipped: 'Rotation Remediation Skipped',
} as const;
type RemediationOutcome = (typeof REMEDIATION_OUTCOMES)[keyof typeof REMEDIATION_OUTCOMES];

const ORCHESTRATED = 'orchestrated';
/** The requester of the retry it asks for: the rotation workflow reports it as `requestedBy`. */
const REMEDIATION_REQUESTER = 'rotation-remediation';

/** Which of the rotation function's four steps failed, from `errorMessage` ("… during setSecret step"). */
const failedStepOf = (eventName: string | undefined, errorMessage: string | undefined): FailedStep => {
  if (eventName === 'RotationAbandoned') return 'abandoned';
  const match = /during (\w+) step/.exec(errorMessage ?? '');
  const step = match?.[1];
  return (ROTATION_STEPS as readonly string[]).includes(step ?? '') ? (step as FailedStep) : 'unknown';
};

/** Whether AWSCURRENT logs in to its target: unknown when smcp cannot test it (no strategy, target unreachable). */
type CurrentState = 'working' | 'broken' | 'unknown';

interface DiagnoseInput {
  readonly secretArn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly versions: Versions;
  readonly eventName?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly current: CurrentState;
  /** Why AWSCURRENT is broken or unknown, in words that never include a value. */
  readonly currentReason?: string | undefined;
}

interface Diagnosis {
  readonly secretArn: string;
  readonly failedStep: FailedStep;
  readonly strategy: string;
  readonly currentVersionId: string;
  readonly previousVersionId?: string;
  /** AWSPENDING on a version other than AWSCURRENT: what the failed rotation left behind. */
  readonly pendingVersionId?: string;
  readonly pendingDangles: boolean;
  readonly current: CurrentState;
  readonly currentReason?: string;
  /** AWSCURRENT is broken and the target may still hold the pending credentials: put AWSCURRENT's back first. */
  readonly canRestoreCurrent: boolean;
  readonly canRollBack: boolean;
  /** The secret's policy allows asking for an orchestrated rotation (the stage switch is checked when reporting). */
  readonly retryPolicy: boolean;
}

const diagnoseFailure = (input: DiagnoseInput): Diagnosis => {
  const current = holderOf(input.versions, Stage.current) ?? '';
  const previous = holderOf(input.versions, Stage.previous);
  const pending = holderOf(input.versions, Stage.pending);
  const pendingDangles = pending !== undefined && pending !== current;
  const strategy = input.tags[TAGS.strategy]?.trim() ?? '';
  const broken = input.current === 'broken';
  return {
    secretArn: input.secretArn,
    failedStep: failedStepOf(input.eventName, input.errorMessage),
    strategy,
    currentVersionId: current,
    ...(previous ? { previousVersionId: previous } : {}),
    ...(pending ? { pendingVersionId: pending } : {}),
    pendingDangles,
    current: input.current,
    ...(input.currentReason ? { currentReason: input.currentReason } : {}),
    canRestoreCurrent: broken && pendingDangles,
    canRollBack: broken && previous !== undefined && previous !== current,
    retryPolicy: input.tags[TAGS.rotation]?.trim().toLowerCase() === ORCHESTRATED && strategy !== '',
  };
};

/** The stage switch (param remediationRetry, env REMEDIATION_RETRY): on unless it says off. */
const retryEnabled = (setting: string | undefined) =>
  !['off', 'false', '0', 'no'].includes((setting ?? 'on').trim().toLowerCase());

const isRemediationOutcome = (value: unknown): value is RemediationOutcome =>
  typeof value === 'string' && (Object.values(REMEDIATION_OUTCOMES) as string[]).includes(value);

/** What the workflow did, from the results the action states left under `$.done`. */
const actionsOf = ({ done, diagnosis }: RemediationReportState): string[] => {
  const actions: string[] = [];
  if (done?.restoreCurrent) actions.push('restored AWSCURRENT on the target');
  if (done?.clearPending) actions.push(`removed AWSPENDING from version ${diagnosis?.pendingVersionId ?? '?'}`);
  if (done?.rollback) actions.push(`rolled AWSCURRENT back to version ${diagnosis?.previousVersionId ?? '?'}`);
  if (done?.rollbackTarget) actions.push('restored the previous credentials on the target');
  return actions;
};

/**
 * The `smcp` event for the remediation's final state, whether a person must look, and whether to ask for an
 * orchestrated retry: only when the secret is consistent again and the policy allows it.
 */
const buildRemediationOutcome = (
  state: RemediationReportState,
  executionArn: string,
  { retry }: { retry: boolean },
) => {
  const { diagnosis, lock, detail } = state;
  const claimed = state.outcome?.type;
  const type: RemediationOutcome = isRemediationOutcome(claimed) ? claimed : REMEDIATION_OUTCOMES.failed;
  const error = summariseError(state.error);
  const compensationError = summariseError(state.compensationError);
  const failedStep = diagnosis?.failedStep ?? failedStepOf(detail?.eventName, detail?.errorMessage);
  const actions = actionsOf(state);
  const current = diagnosis?.current ?? 'unknown';
  const reason =
    state.outcome?.reason ??
    (type === REMEDIATION_OUTCOMES.remediated
      ? actions.length > 0
        ? `the rotation failed at ${failedStep}; ${actions.join(', ')}`
        : `the rotation failed at ${failedStep}; nothing was left to restore`
      : error
        ? `${error.name}: ${error.message}`
        : 'unknown failure');
  const retryRequested =
    retry && type === REMEDIATION_OUTCOMES.remediated && diagnosis?.retryPolicy === true && current !== 'unknown';
  const event = {
    secretId: diagnosis?.secretArn ?? lock?.secretArn ?? state.secretId ?? 'unknown',
    workflow: 'rotation-remediation',
    outcome: type,
    reason,
    requestedBy: REMEDIATION_REQUESTER,
    trigger: triggerOf(state),
    failedStep,
    ...(detail?.errorMessage ? { serviceError: detail.errorMessage.slice(0, 500) } : {}),
    currentCredentials: current,
    ...(diagnosis?.currentReason ? { currentReason: diagnosis.currentReason } : {}),
    actions,
    retryRequested,
    executionArn,
    ...(diagnosis?.strategy ? { strategy: diagnosis.strategy } : {}),
    ...(diagnosis?.currentVersionId ? { versionId: diagnosis.currentVersionId } : {}),
    ...(diagnosis?.previousVersionId ? { previousVersionId: diagnosis.previousVersionId } : {}),
    ...(diagnosis?.pendingVersionId ? { pendingVersionId: diagnosis.pendingVersionId } : {}),
    ...(error ? { error } : {}),
    ...(compensationError ? { compensationError } : {}),
  };
  // Every failed rotation is worth a message, even a skipped remediation: what was found and what was done about it.
  return { detailType: type, detail: event, alert: true, retryRequested };
};

export type { CurrentState, DiagnoseInput, Diagnosis, FailedStep, RemediationOutcome };
export {
  buildRemediationOutcome,
  diagnoseFailure,
  failedStepOf,
  REMEDIATION_OUTCOMES,
  REMEDIATION_REQUESTER,
  retryEnabled,
};

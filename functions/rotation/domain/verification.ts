// Rotation verification: whether a move of AWSCURRENT needs smcp to test it, and the outcome event once it has. Pure:
// the inspect step hands in the secret's tags and labels and the orchestrated rotations that ran around the event.
import type { VerificationReportState } from '../schemas.ts';
import { holderOf, Stage, type Versions } from './labels.ts';
import { summariseError } from './outcome.ts';
import { rotationToken, TAGS } from './plan.ts';

/**
 * Set by a verification or remediation roll back just before it moves AWSCURRENT away from a broken version: the
 * version moved away from. Keyed by version id, so it needs no expiry: the next rotation makes it irrelevant.
 */
const ROLLED_BACK_FROM_TAG = 'smcp:rolled-back-from';

const VERIFICATION_OUTCOMES = {
  verified: 'Rotation Verified',
  rolledBack: 'Rotation Rolled Back',
  rollbackFailed: 'Rotation Rollback Failed',
  failed: 'Rotation Verification Failed',
  skipped: 'Rotation Verification Skipped',
} as const;
type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[keyof typeof VERIFICATION_OUTCOMES];

// A person must look: the credentials were broken (even if undone) or nobody could tell.
const ALERTING: ReadonlySet<string> = new Set([
  VERIFICATION_OUTCOMES.rolledBack,
  VERIFICATION_OUTCOMES.rollbackFailed,
  VERIFICATION_OUTCOMES.failed,
]);

/** One execution of the orchestrated rotation state machine (ListExecutions). Dates in epoch milliseconds. */
interface RotationExecution {
  readonly executionArn: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate?: number | undefined;
}

interface InspectInput {
  readonly secretArn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly versions: Versions;
  /** `Secret Label Updated`: the version AWSCURRENT moved to. Absent for RotationSucceeded. */
  readonly movedTo?: string | undefined;
  /** The triggering event's time (epoch ms), to tell which orchestrated rotation was running when it happened. */
  readonly eventTime?: number | undefined;
  readonly rotations: readonly RotationExecution[];
  readonly knownStrategies: readonly string[];
}

type Inspection =
  | {
      readonly action: 'verify';
      readonly secretArn: string;
      readonly strategy: string;
      readonly currentVersionId: string;
      readonly previousVersionId?: string;
      readonly canRollBack: boolean;
      readonly reason: string;
    }
  | {
      readonly action: 'skip';
      /** A quiet skip reports nothing on the bus: whoever moved the label reports (and verified) it themselves. */
      readonly quiet: boolean;
      readonly secretArn: string;
      readonly reason: string;
      readonly currentVersionId?: string;
    };

// Event times have whole seconds; execution dates have milliseconds.
const SLACK_MS = 1_000;

/** The orchestrated rotation whose own move this is: it promoted or rolled back one of these versions meanwhile. */
const ownerRotation = (input: InspectInput, current: string, previous: string | undefined) => {
  if (input.eventTime === undefined) return undefined;
  const at = input.eventTime;
  return input.rotations.find((execution) => {
    const token = rotationToken(execution.executionArn);
    if (token !== current && token !== previous) return false;
    const running = execution.status === 'RUNNING' || (execution.stopDate ?? 0) >= at - SLACK_MS;
    return execution.startDate <= at + SLACK_MS && running;
  });
};

const inspectForVerification = (input: InspectInput): Inspection => {
  const { secretArn, tags, versions } = input;
  const current = holderOf(versions, Stage.current);
  const previous = holderOf(versions, Stage.previous);
  const skip = (quiet: boolean, reason: string): Inspection => ({
    action: 'skip',
    quiet,
    secretArn,
    reason,
    ...(current ? { currentVersionId: current } : {}),
  });
  if (!current) return skip(false, 'the secret has no AWSCURRENT version');
  if (input.movedTo !== undefined && input.movedTo !== current) {
    return skip(true, `AWSCURRENT has moved on from ${input.movedTo} to ${current}; that move has its own event`);
  }
  const rolledBackFrom = tags[ROLLED_BACK_FROM_TAG];
  if (rolledBackFrom !== undefined && rolledBackFrom === previous) {
    // The loop guard: this is smcp's own roll back (verified by the workflow that made it). Rolling "back" again
    // would return to the version just found broken.
    return skip(true, `AWSCURRENT was moved back from ${rolledBackFrom} by smcp, which verified it`);
  }
  const owner = ownerRotation(input, current, previous);
  if (owner) {
    return skip(true, `moved by the orchestrated rotation ${owner.executionArn}, which verifies its own result`);
  }
  const strategy = tags[TAGS.strategy]?.trim() ?? '';
  if (!input.knownStrategies.includes(strategy)) {
    return skip(
      false,
      strategy === ''
        ? `the secret has no ${TAGS.strategy} tag, so smcp cannot test its credentials`
        : `the secret names the unknown strategy "${strategy}"`,
    );
  }
  const canRollBack = previous !== undefined && previous !== current;
  return {
    action: 'verify',
    secretArn,
    strategy,
    currentVersionId: current,
    ...(previous ? { previousVersionId: previous } : {}),
    canRollBack,
    reason: canRollBack ? 'AWSCURRENT moved' : 'AWSCURRENT moved; there is no AWSPREVIOUS to roll back to',
  };
};

const isVerificationOutcome = (value: unknown): value is VerificationOutcome =>
  typeof value === 'string' && (Object.values(VERIFICATION_OUTCOMES) as string[]).includes(value);

/** What set the workflow off: the rule, the event id and the service event's name, for the audit trail. */
const triggerOf = ({ trigger, detail }: Pick<VerificationReportState, 'trigger' | 'detail'>) => ({
  ...(trigger?.rule ? { rule: trigger.rule } : {}),
  ...(trigger?.eventId ? { eventId: trigger.eventId } : {}),
  ...(detail?.eventName ? { eventName: detail.eventName } : {}),
  ...(trigger?.detailType ? { detailType: trigger.detailType } : {}),
});

/** The `smcp` event for the verification's final state (ids, verdicts and error names; never a value). */
const buildVerificationOutcome = (state: VerificationReportState, executionArn: string) => {
  const { inspection, lock } = state;
  const claimed = state.outcome?.type;
  const type: VerificationOutcome = isVerificationOutcome(claimed) ? claimed : VERIFICATION_OUTCOMES.failed;
  const error = summariseError(state.error);
  const compensationError = summariseError(state.compensationError);
  const reason =
    state.outcome?.reason ??
    (error ? `${error.name}: ${error.message}` : undefined) ??
    inspection?.reason ??
    'not given';
  const detail = {
    secretId: inspection?.secretArn ?? lock?.secretArn ?? state.secretId ?? 'unknown',
    workflow: 'rotation-verification',
    outcome: type,
    reason,
    requestedBy: 'rotation-verification',
    trigger: triggerOf(state),
    executionArn,
    ...(inspection?.strategy ? { strategy: inspection.strategy } : {}),
    ...(inspection?.currentVersionId ? { versionId: inspection.currentVersionId } : {}),
    ...(inspection?.previousVersionId ? { previousVersionId: inspection.previousVersionId } : {}),
    ...(error ? { error } : {}),
    ...(compensationError ? { compensationError } : {}),
  };
  return { detailType: type, detail, alert: ALERTING.has(type) };
};

export type { InspectInput, Inspection, RotationExecution, VerificationOutcome };
export { buildVerificationOutcome, inspectForVerification, ROLLED_BACK_FROM_TAG, triggerOf, VERIFICATION_OUTCOMES };

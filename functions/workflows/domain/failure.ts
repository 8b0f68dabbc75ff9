// What a failed execution was, from what Step Functions says about it (DescribeExecution, the end of its history):
// the workflow, the status, the error's name, the last state it entered and the secret its input names. Pure: the
// inputs are plain data, and nothing from the execution's input or output survives but the secret id.
import type { Failure } from '../schemas.ts';

interface DescribedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly input?: string | undefined;
  readonly error?: string | undefined;
}

interface HistoryEntry {
  readonly type?: string | undefined;
  readonly stateEnteredEventDetails?: { readonly name?: string | undefined } | undefined;
}

const ENDED = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** One line of human text: control, format and bidi characters dropped, runs of space collapsed, cut at `max`. */
const printable = (value: string, max: number): string | null => {
  const line = value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return null;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

// Error names are identifiers (States.Timeout, RotationFailed, LocalCloud.Restarted); StopExecution takes free text.
const ERROR_NAME = /^[\w.:-]{1,128}$/;
const errorName = (error: string | undefined): string | null => {
  if (error === undefined || error === '') return null;
  return ERROR_NAME.test(error) ? error : 'UnnamedError';
};

/** `secretId` of the execution's input, the field every dispatched workflow is started with; nothing else of it. */
const secretIdOf = (input: string | undefined): string | null => {
  if (input === undefined) return null;
  try {
    const secretId = (JSON.parse(input) as { secretId?: unknown } | null)?.secretId;
    return typeof secretId === 'string' && secretId.length > 0 && secretId.length <= 2048 ? secretId : null;
  } catch {
    return null;
  }
};

/** The most recent `…StateEntered` event's state name; `history` runs newest first. */
const lastStateEntered = (history: readonly HistoryEntry[]): string | null => {
  const entered = history.find((e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name);
  return entered?.stateEnteredEventDetails?.name ? printable(entered.stateEnteredEventDetails.name, 128) : null;
};

/** `rotation` for `…:stateMachine:smcp-prod-rotation` under the stack's prefix `…:stateMachine:smcp-prod-`. */
const workflowOf = (stateMachineArn: string, stateMachineArnPrefix: string): string | undefined =>
  stateMachineArn.startsWith(stateMachineArnPrefix) && stateMachineArn.length > stateMachineArnPrefix.length
    ? stateMachineArn.slice(stateMachineArnPrefix.length)
    : undefined;

/**
 * The failure to alert on, or why there is none: the execution must be this stack's, not this alert workflow's own,
 * and Step Functions must say it ended FAILED, TIMED_OUT or ABORTED, whatever the event claimed.
 */
const readFailure = (
  execution: DescribedExecution,
  history: readonly HistoryEntry[],
  scope: { readonly stateMachineArnPrefix: string; readonly alertStateMachineArn: string },
): Failure => {
  const workflow = workflowOf(execution.stateMachineArn, scope.stateMachineArnPrefix);
  const skipReason =
    workflow === undefined
      ? 'not a state machine of this stack'
      : execution.stateMachineArn === scope.alertStateMachineArn
        ? 'an execution of this alert workflow itself'
        : !ENDED.has(execution.status)
          ? `Step Functions reports it ${execution.status}`
          : undefined;
  return {
    ended: skipReason === undefined,
    ...(skipReason ? { skipReason } : {}),
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    workflow: workflow ?? execution.stateMachineArn.split(':').at(-1) ?? 'unknown',
    name: execution.name,
    status: execution.status,
    error: errorName(execution.error),
    lastState: lastStateEntered(history),
    secretId: secretIdOf(execution.input),
  };
};

export type { DescribedExecution, HistoryEntry };
export { errorName, lastStateEntered, printable, readFailure, secretIdOf, workflowOf };

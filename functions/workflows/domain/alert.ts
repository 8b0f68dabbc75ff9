// The alert for a failed execution: the `Workflow Failed` event and the notification people read. Ids, names, the
// status and the error's name only; the execution's input, output and cause never get here.
import type { Failure, LocksOutcome, WorkflowFailedDetail } from '../schemas.ts';

type LockState = WorkflowFailedDetail['lock'];

const lockStateOf = (locks: LocksOutcome): LockState =>
  locks.Error !== undefined ? 'release-failed' : locks.released ? 'released' : 'none-held';

const LOCK_TEXT: Readonly<Record<LockState, string>> = {
  released: 'released: the next run on this secret can start',
  'none-held': 'none held by this execution',
  'release-failed': 'could not be released; it expires on its own (see the failure-alert execution)',
};

interface Alert {
  readonly detail: WorkflowFailedDetail;
  readonly subject: string;
  readonly message: string;
}

const buildAlert = (failure: Failure, locks: LocksOutcome): Alert => {
  const detail: WorkflowFailedDetail = {
    executionArn: failure.executionArn,
    stateMachineArn: failure.stateMachineArn,
    workflow: failure.workflow,
    status: failure.status,
    error: failure.error,
    lastState: failure.lastState,
    // The ARN Release Locks resolved names the secret without ambiguity; the input's id otherwise.
    secretId: locks.lockKey ?? failure.secretId,
    lock: lockStateOf(locks),
  };
  const message = [
    `Workflow ${detail.workflow} ended ${detail.status}.`,
    `Last state: ${detail.lastState ?? 'unknown'}`,
    `Error: ${detail.error ?? 'none given'}`,
    ...(detail.secretId ? [`Secret: ${detail.secretId}`] : []),
    `Lock: ${LOCK_TEXT[detail.lock]}`,
    `Execution: ${detail.executionArn}`,
  ].join('\n');
  return { detail, subject: `[smcp] Workflow Failed: ${detail.workflow} ${detail.status}`, message };
};

export type { Alert };
export { buildAlert, lockStateOf };

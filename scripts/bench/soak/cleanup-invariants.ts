// What must hold of the cleanup's secrets after a soak run (functions/cleanup, statemachines/cleanup): a deletion only
// with an approved `delete-secret` record where the secret's policy asks for one; every deletion with a recovery window
// (never ForceDeleteWithoutRecovery, and no secret gone for good: no soak run outlasts a window); exempt and recently
// read secrets never marked nor deleted; a restored secret readable with its value intact. Named by secret, never a value.
import type { ApiCall } from './api-calls.ts';
import type { ApprovalState } from './replica-invariants.ts';

interface CleanupSecretState {
  readonly name: string;
  readonly arn: string;
  /** unused: backdated past the unused period; exempt: tag smcp:cleanup=exempt; recent: read days ago. */
  readonly role: 'unused' | 'exempt' | 'recent';
  readonly approval: 'required' | 'none';
  /** DescribeSecret still finds it (scheduled for deletion or not). */
  readonly exists: boolean;
  /** DescribeSecret's DeletedDate: scheduled for deletion. */
  readonly deletedDate: string | undefined;
  /** It carries the cleanup's mark tag (smcp:cleanup-marked). */
  readonly marked: boolean;
  /** `smcp restore` found it scheduled for deletion and restored it. */
  readonly restored: boolean;
  /** Its value read back at the end is the one planted (undefined: not readable, e.g. scheduled for deletion). */
  readonly valueIntact: boolean | undefined;
}

interface CleanupState {
  readonly secrets: readonly CleanupSecretState[];
  readonly approvals: readonly ApprovalState[];
  readonly calls: readonly ApiCall[];
}

type Add = (invariant: string, detail: string) => void;

const checkCleanupInvariants = (state: CleanupState, add: Add) => {
  const deleteCalls = state.calls.filter((c) => c.eventName === 'DeleteSecret' && c.ok);
  for (const call of deleteCalls) {
    const days = call.params.recoveryWindowInDays;
    if (call.params.forceDeleteWithoutRecovery === true) {
      add('recovery-window', `${call.secretId} was deleted with ForceDeleteWithoutRecovery`);
    } else if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
      add('recovery-window', `${call.secretId} was deleted without a recovery window of 7 to 30 days`);
    }
  }

  for (const secret of state.secrets) {
    const ids = new Set([secret.name, secret.arn]);
    const deleted = secret.deletedDate !== undefined || secret.restored || deleteCalls.some((c) => ids.has(c.secretId));
    if (!secret.exists) {
      add('recovery-window', `${secret.name} is gone for good: deleted without a recovery window`);
    }
    if (secret.role !== 'unused') {
      if (secret.marked) add('exempt-untouched', `${secret.name} (${secret.role}) carries the cleanup mark`);
      if (deleted) add('exempt-untouched', `${secret.name} (${secret.role}) was deleted`);
    }
    if (deleted && secret.approval === 'required') {
      const approved = state.approvals.some(
        (a) => ids.has(a.secretId) && a.action === 'delete-secret' && a.status === 'approved',
      );
      if (!approved) add('deletion-approved', `${secret.name} was deleted without an approved deletion record`);
    }
    if (secret.restored && secret.deletedDate === undefined && secret.valueIntact !== true) {
      add(
        'restore-intact',
        `${secret.name} was restored and its value is ${secret.exists ? 'not the one planted' : 'gone'}`,
      );
    }
  }
};

export type { CleanupSecretState, CleanupState };
export { checkCleanupInvariants };

// What must hold after every soak run, however the run went (faults, kills, restarts). Each check names what broke —
// secrets, versions, executions, where a canary turned up — and never a value. The replicated secrets' and the
// cleanup's own invariants are in replica-invariants.ts and cleanup-invariants.ts.
import { type CleanupState, checkCleanupInvariants } from './cleanup-invariants.ts';
import { checkReplicaInvariants, type ReplicaState } from './replica-invariants.ts';

interface VersionState {
  readonly id: string;
  readonly stages: readonly string[];
}

interface SecretState {
  readonly name: string;
  readonly versions: readonly VersionState[];
  /** The AWSCURRENT version's password, read back at the end. */
  readonly currentPassword: string | undefined;
  /** The password the secret's system (the webhook target) accepts. */
  readonly accepted: string | undefined;
}

interface ExecutionState {
  readonly name: string;
  readonly workflow: string;
  readonly status: string;
  readonly awaitingCallback: boolean;
  readonly error: string | undefined;
  readonly input: string;
}

interface LockState {
  readonly lockKey: string;
  readonly owner: string;
  readonly expiresAt: string;
}

interface FinalState {
  readonly now: Date;
  readonly secrets: readonly SecretState[];
  readonly executions: readonly ExecutionState[];
  readonly locks: readonly LockState[];
  /** Ids of the Rotation Requested events the bus acknowledged: each must have started its rotation. */
  readonly requested: readonly string[];
  /** Version ids an API call showed before a kill: acknowledged, so they must still be there. */
  readonly observed: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every text that left the local cloud: histories, bus events, notifications, dead letters, its own output. */
  readonly texts: readonly { readonly where: string; readonly text: string }[];
  /** Secret values and fields planted or generated in the run, with a label that is safe to print. */
  readonly canaries: readonly { readonly label: string; readonly value: string }[];
  /** The replicated secrets, their repairs and the calls that changed their regions. */
  readonly replicas?: ReplicaState;
  /** The cleanup's secrets (unused, exempt, recently read), the approval records and the deletions. */
  readonly cleanup?: CleanupState;
}

interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

const RESTART_ERRORS = new Set(['LocalCloud.Restarted', 'LocalCloud.ResumeFailed']);

const inputMentions = (execution: ExecutionState, secret: string) => execution.input.includes(secret);

const checkInvariants = (state: FinalState): Violation[] => {
  const violations: Violation[] = [];
  const add = (invariant: string, detail: string) => violations.push({ invariant, detail });
  const moving = (secret: string) =>
    state.executions.some((e) => e.status === 'RUNNING' && !e.awaitingCallback && inputMentions(e, secret));

  for (const secret of state.secrets) {
    const current = secret.versions.filter((v) => v.stages.includes('AWSCURRENT'));
    if (current.length !== 1) add('one-current', `${secret.name} has ${current.length} AWSCURRENT versions`);
    if (!moving(secret.name) && secret.currentPassword !== secret.accepted) {
      add('current-works', `${secret.name}: its system does not accept the AWSCURRENT version's credential`);
    }
    const dangling = secret.versions.filter((v) => v.stages.includes('AWSPENDING') && !v.stages.includes('AWSCURRENT'));
    if (dangling.length > 0 && !moving(secret.name)) {
      add('no-dangling-pending', `${secret.name}: AWSPENDING left on ${dangling.map((v) => v.id).join(', ')}`);
    }
    const present = new Set(secret.versions.map((v) => v.id));
    for (const id of state.observed.get(secret.name) ?? []) {
      if (!present.has(id)) add('no-version-lost', `${secret.name}: version ${id} was acknowledged and is gone`);
    }
    // Each rotation creates at most one version (its token, derived from the execution): more means an effect twice.
    const rotations = state.executions.filter((e) => e.workflow === 'rotation' && inputMentions(e, secret.name));
    if (secret.versions.length - 1 > rotations.length) {
      add(
        'no-duplicate-effect',
        `${secret.name}: ${secret.versions.length - 1} new versions from ${rotations.length} rotations`,
      );
    }
  }

  for (const execution of state.executions) {
    const ended = execution.status !== 'RUNNING';
    if (!ended && !execution.awaitingCallback) {
      add('ends-or-waits', `${execution.workflow} ${execution.name} is still running and waits for nothing`);
    }
    if (execution.error && RESTART_ERRORS.has(execution.error)) {
      add('ends-or-waits', `${execution.workflow} ${execution.name} ended ${execution.error}`);
    }
  }

  // dispatch names the execution after the event id (a UUID is a safe name as it is).
  const rotations = new Set(state.executions.filter((e) => e.workflow === 'rotation').map((e) => e.name));
  for (const id of state.requested) {
    if (!rotations.has(id)) add('no-event-lost', `Rotation Requested ${id} was acknowledged and started nothing`);
  }

  const running = new Set(state.executions.filter((e) => e.status === 'RUNNING').map((e) => e.name));
  for (const lock of state.locks) {
    if (Date.parse(lock.expiresAt) <= state.now.getTime()) continue;
    if (!running.has(lock.owner)) add('no-orphan-lock', `lock on ${lock.lockKey} held by ${lock.owner}, not running`);
  }

  if (state.replicas) checkReplicaInvariants(state.replicas, add);
  if (state.cleanup) checkCleanupInvariants(state.cleanup, add);

  for (const { where, text } of state.texts) {
    for (const canary of state.canaries) {
      if (canary.value.length >= 8 && text.includes(canary.value))
        add('no-canary', `${canary.label} found in ${where}`);
    }
  }
  return violations;
};

export type { ExecutionState, FinalState, LockState, SecretState, VersionState, Violation };
export { checkInvariants };

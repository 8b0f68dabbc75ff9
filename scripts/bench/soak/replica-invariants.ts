// What must hold of the replicated secrets after a soak run (functions/replicas, statemachines/replica-repair): each
// region a secret was replicated to is InSync again, or its repair waits for a decision or ended telling people
// (escalated, failed, rejected); a region is removed only after the soak made it fail, and no more often than it
// failed; no repair is reported twice. Named by secret and region, never a value.
import type { ApiCall } from './api-calls.ts';

interface ReplicaSecretState {
  readonly name: string;
  readonly arn: string;
  /** The regions the secret was replicated to when it was created: it should be in each. */
  readonly regions: readonly string[];
  /** Region → how many replications into it the soak's faults could fail (a fault's `times`, 1 without). */
  readonly failures: Readonly<Record<string, number>>;
  /** DescribeSecret's ReplicationStatus at the end. */
  readonly replicas: readonly { readonly region: string; readonly status: string }[];
}

/** One row of a replica-repair execution's output (ReplicaRow in functions/replicas/schemas.ts). */
interface ReplicaRowState {
  readonly execution: string;
  /** When its execution started (ISO): the latest row of a region is its last word. */
  readonly startDate: string;
  readonly name: string;
  readonly region: string;
  readonly outcome: string;
}

interface ApprovalState {
  readonly secretId: string;
  readonly action: string;
  readonly status: string;
  readonly executionArn: string;
}

interface ReplicaState {
  readonly secrets: readonly ReplicaSecretState[];
  readonly rows: readonly ReplicaRowState[];
  readonly approvals: readonly ApprovalState[];
  /** ARNs of the executions running and waiting for a callback. */
  readonly waiting: ReadonlySet<string>;
  readonly calls: readonly ApiCall[];
}

type Add = (invariant: string, detail: string) => void;

// A repair that gave up told people: Replica Repair Failed (and, escalated, the SNS topic).
const ENDED_TELLING = new Set(['escalated', 'failed', 'rejected']);

const names = (secret: Pick<ReplicaSecretState, 'name' | 'arn'>) => new Set([secret.name, secret.arn]);

const checkReplicaInvariants = (state: ReplicaState, add: Add) => {
  for (const secret of state.secrets) {
    const ids = names(secret);
    const waitingForDecision = state.approvals.some(
      (a) =>
        ids.has(a.secretId) &&
        a.action === 'repair-replica' &&
        a.status === 'pending' &&
        state.waiting.has(a.executionArn),
    );
    for (const region of secret.regions) {
      const status = secret.replicas.find((r) => r.region === region)?.status ?? 'absent';
      if (status === 'InSync' || waitingForDecision) continue;
      const last = state.rows
        .filter((r) => r.name === secret.name && r.region === region)
        .sort((a, b) => a.startDate.localeCompare(b.startDate))
        .at(-1);
      if (last && ENDED_TELLING.has(last.outcome)) continue;
      add(
        'replica-in-sync',
        `${secret.name} in ${region} is ${status}, and its last repair ${last ? `ended ${last.outcome} (${last.execution})` : 'never ran'}`,
      );
    }
  }

  const removals = new Map<string, number>();
  for (const call of state.calls) {
    if (call.eventName !== 'RemoveRegionsFromReplication' || !call.ok) continue;
    const secret = state.secrets.find((s) => names(s).has(call.secretId));
    const regions = Array.isArray(call.params.removeReplicaRegions) ? call.params.removeReplicaRegions : [];
    for (const region of regions.map(String)) {
      if (!secret || (secret.failures[region] ?? 0) === 0) {
        add('no-needless-removal', `${secret?.name ?? call.secretId}: ${region} was removed and had not failed`);
        continue;
      }
      const key = `${secret.name}\n${region}`;
      removals.set(key, (removals.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of removals) {
    const [name = '', region = ''] = key.split('\n');
    const failed = state.secrets.find((s) => s.name === name)?.failures[region] ?? 0;
    if (count > failed) {
      add('no-double-repair', `${name}: ${region} was removed ${count} times and failed at most ${failed}`);
    }
  }
  const reported = new Set<string>();
  for (const row of state.rows.filter((r) => r.outcome === 'repaired')) {
    const key = `${row.execution}\n${row.name}\n${row.region}`;
    if (reported.has(key)) add('no-double-repair', `${row.execution} repaired ${row.name} in ${row.region} twice`);
    reported.add(key);
  }
};

export type { ApprovalState, ReplicaRowState, ReplicaSecretState, ReplicaState };
export { checkReplicaInvariants };

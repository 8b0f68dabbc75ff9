// What a scan does about one secret, from its verdict and the run's mode: the report row (what the CLI prints) and,
// when something is to change, the work item the workflow's Map acts on. Pure. Report mode and dry runs change
// nothing: their rows say what the mode would do (`would-mark`, …), and no item is made.
import type { CleanupMode } from '../schemas.ts';
import { addDays } from './days.ts';
import type { Verdict } from './policy.ts';

/** The action column: what this run did, would do (dry run) or nothing. */
const Action = {
  none: 'none',
  mark: 'mark',
  unmark: 'unmark',
  delete: 'delete',
  wouldMark: 'would-mark',
  wouldUnmark: 'would-unmark',
  wouldDelete: 'would-delete',
  marked: 'marked',
  unmarked: 'unmarked',
  scheduled: 'scheduled-for-deletion',
  skippedReplicas: 'skipped-replicas',
  rejected: 'deletion-rejected',
  timedOut: 'approval-timed-out',
  approvalFailed: 'approval-failed',
  notGranted: 'approval-not-granted',
  locked: 'locked',
  keptExempt: 'kept-exempt',
  keptUnmarked: 'kept-unmarked',
  failed: 'failed',
} as const;

/** Where a secret stands: unused (not marked yet), marked (grace running), due (grace over), scheduled, in use. */
const Phase = {
  unused: 'unused',
  marked: 'marked',
  due: 'due',
  scheduled: 'scheduled',
  inUse: 'in-use',
  exempt: 'exempt',
} as const;

interface ReportRow {
  readonly kind: 'candidate' | 'exempt';
  readonly name: string;
  readonly arn: string;
  /** The day of the last read in any region; null when never read. */
  readonly lastUsed: string | null;
  readonly reason: string;
  readonly phase: string;
  readonly action: string;
}

interface Planned {
  readonly row?: ReportRow;
  /** Present when the run changes something: the workflow's Map takes it. */
  readonly work?: 'mark' | 'unmark' | 'delete';
}

interface PlanOptions {
  readonly mode: CleanupMode;
  readonly dryRun: boolean;
  readonly graceDays: number;
  readonly today: string;
}

const REPLICAS_ARE_IMMEDIATE = 'replica removal is immediate: replicas have no recovery window';

const plan = (secret: { name: string; arn: string }, verdict: Verdict, options: PlanOptions): Planned => {
  const { mode, dryRun, graceDays, today } = options;
  const changes = mode !== 'report';
  const act = (work: 'mark' | 'unmark' | 'delete', would: string) =>
    !changes ? { action: Action.none } : dryRun ? { action: would } : { action: work, work };
  const base = { name: secret.name, arn: secret.arn };
  switch (verdict.kind) {
    case 'needs-replicas':
      throw new TypeError('plan() needs the replicas of a secret that has them');
    case 'exempt': {
      // A mark left on a secret that became exempt is taken off (not on one scheduled for deletion: it cannot be
      // tagged, and `smcp restore` removes it).
      const unmark = verdict.markedOn !== undefined && !verdict.scheduled;
      const { action, work } = unmark ? act('unmark', Action.wouldUnmark) : { action: Action.none, work: undefined };
      const row: ReportRow = {
        kind: 'exempt',
        ...base,
        lastUsed: null,
        reason: verdict.reason,
        phase: Phase.exempt,
        action,
      };
      return work ? { row, work } : { row };
    }
    case 'in-use': {
      if (verdict.markedOn === undefined) return {};
      const { action, work } = act('unmark', Action.wouldUnmark);
      const row: ReportRow = {
        kind: 'candidate',
        ...base,
        lastUsed: verdict.lastUsed,
        reason: `in use again: ${verdict.reason} (marked on ${verdict.markedOn})`,
        phase: Phase.inUse,
        action,
      };
      return work ? { row, work } : { row };
    }
    case 'unused': {
      const candidate = { kind: 'candidate' as const, ...base, lastUsed: verdict.lastUsed };
      if (verdict.markedOn === undefined) {
        const { action, work } = act('mark', Action.wouldMark);
        const row = { ...candidate, reason: verdict.reason, phase: Phase.unused, action };
        return work ? { row, work } : { row };
      }
      if (!verdict.due) {
        const until = verdict.deletableFrom ?? addDays(verdict.markedOn, graceDays + 1);
        return {
          row: {
            ...candidate,
            reason: `${verdict.reason}; marked on ${verdict.markedOn}, deletable from ${until}`,
            phase: Phase.marked,
            action: Action.none,
          },
        };
      }
      const dueReason = `${verdict.reason}; marked on ${verdict.markedOn}, grace of ${graceDays} days over (${today})`;
      const replicas = verdict.replicaRegions;
      if (mode !== 'delete') return { row: { ...candidate, reason: dueReason, phase: Phase.due, action: Action.none } };
      if (replicas.length > 0 && !verdict.replicasAllowed) {
        return {
          row: {
            ...candidate,
            reason: `${dueReason}; has replicas in ${replicas.join(', ')}: tag smcp:cleanup-replicas=allow to let the cleanup remove them first (${REPLICAS_ARE_IMMEDIATE})`,
            phase: Phase.due,
            action: Action.skippedReplicas,
          },
        };
      }
      const replicaNote =
        replicas.length > 0 ? `; replicas in ${replicas.join(', ')} are removed first (${REPLICAS_ARE_IMMEDIATE})` : '';
      const { action, work } = act('delete', Action.wouldDelete);
      const row = { ...candidate, reason: `${dueReason}${replicaNote}`, phase: Phase.due, action };
      return work ? { row, work } : { row };
    }
  }
};

export type { Planned, PlanOptions, ReportRow };
export { Action, Phase, plan, REPLICAS_ARE_IMMEDIATE };

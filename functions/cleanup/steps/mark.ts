// Mark Candidate / Clear Mark: the cleanup's mark is a tag, `smcp:cleanup-marked=<day>`, the day the grace period
// starts. Marking tells the owner (smcp:owner) on SNS and says `Cleanup Candidate Marked`; clearing (the secret was
// read again, or became exempt) says `Cleanup Candidate Cleared`.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import { oneLine } from '../../shared/domain/sanitise.ts';
import type { OwnerNotices } from '../adapters/notices.ts';
import type { CleanupSecrets } from '../adapters/secrets.ts';
import { addDays } from '../domain/days.ts';
import { Action, Phase } from '../domain/plan.ts';
import { CleanupTag } from '../domain/tags.ts';
import { CleanupSecretGoneError } from '../errors.ts';
import type {
  CleanupCandidateClearedDetail,
  CleanupCandidateMarkedDetail,
  ItemInput,
  ReportRow,
  WorkItem,
} from '../schemas.ts';

interface MarkDeps {
  readonly secrets: Pick<CleanupSecrets, 'mark' | 'unmark'>;
  readonly bus: EventPublisher;
  readonly notices: OwnerNotices;
  readonly logger: Logger;
}

const rowOf = (item: WorkItem, changes: Pick<ReportRow, 'phase' | 'action' | 'reason'>): ReportRow => ({
  kind: item.kind,
  name: item.name,
  arn: item.arn,
  lastUsed: item.lastUsed,
  ...changes,
});

/** A secret deleted by someone else meanwhile: nothing to mark or clear, and the report says so. */
const goneRow = (item: WorkItem) =>
  rowOf(item, { phase: item.phase, action: Action.failed, reason: 'the secret no longer exists' });

const createMarkStep =
  ({ secrets, bus, notices, logger }: MarkDeps) =>
  async ({ scan, item }: ItemInput): Promise<ReportRow> => {
    const markedOn = scan.today;
    const deletableFrom = addDays(markedOn, scan.graceDays + 1);
    try {
      await secrets.mark(item.arn, markedOn);
    } catch (error) {
      if (error instanceof CleanupSecretGoneError) return goneRow(item);
      throw error;
    }
    const detail: CleanupCandidateMarkedDetail = {
      secretId: item.arn,
      name: item.name,
      markedOn,
      lastUsed: item.lastUsed,
      reason: item.reason,
      deletableFrom,
      owner: item.owner ?? null,
      scanId: scan.scanId,
    };
    await bus.publish('Cleanup Candidate Marked', detail, [item.arn]);
    const deletion =
      scan.mode === 'delete'
        ? `It will be deleted (with a ${scan.recoveryDays}-day recovery window) from ${deletableFrom} if it is still unused.`
        : `A cleanup in delete mode may delete it (with a ${scan.recoveryDays}-day recovery window) from ${deletableFrom} if it is still unused.`;
    await notices.notify({
      owner: item.owner,
      subject: `[smcp] Unused secret marked for cleanup: ${item.name}`,
      message: [
        `The secret ${oneLine(item.name)} looks unused and was marked for cleanup on ${markedOn}.`,
        `Why: ${oneLine(item.reason)}.`,
        deletion,
        `To keep it: read it from where it is used, or tag it ${CleanupTag.exempt}=exempt.`,
        `Secret: ${item.arn}`,
        `Scan: ${scan.scanId}`,
      ].join('\n'),
    });
    logger.info('Cleanup candidate marked', { secretId: item.arn, markedOn, deletableFrom });
    return rowOf(item, {
      phase: Phase.marked,
      action: Action.marked,
      reason: `${item.reason}; marked on ${markedOn}, deletable from ${deletableFrom}`,
    });
  };

const createUnmarkStep =
  ({ secrets, bus, logger }: Omit<MarkDeps, 'notices'>) =>
  async ({ scan, item }: ItemInput): Promise<ReportRow> => {
    try {
      await secrets.unmark(item.arn);
    } catch (error) {
      if (error instanceof CleanupSecretGoneError) return goneRow(item);
      throw error;
    }
    const detail: CleanupCandidateClearedDetail = {
      secretId: item.arn,
      name: item.name,
      markedOn: item.markedOn ?? null,
      lastUsed: item.lastUsed,
      reason: item.reason,
      scanId: scan.scanId,
    };
    await bus.publish('Cleanup Candidate Cleared', detail, [item.arn]);
    logger.info('Cleanup mark cleared', { secretId: item.arn, markedOn: item.markedOn });
    return rowOf(item, { phase: item.phase, action: Action.unmarked, reason: item.reason });
  };

export { createMarkStep, createUnmarkStep, rowOf };

// Delete Secret, once the lock is held and (when policy asks) a human approved: the secret is described again and
// judged again, because the approval may have waited a day — read again meanwhile, it is unmarked instead; exempt or
// unmarked by someone, it is kept. The approval counts only as its record says (the task's output could be forged by
// anyone allowed to call SendTaskSuccess). Replicas go first, and only with smcp:cleanup-replicas=allow (their removal
// is immediate). Then DeleteSecret with the recovery window — never ForceDeleteWithoutRecovery — and
// `Secret Scheduled For Deletion`, and the owner is told how to restore it.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApprovalStore } from '../../approvals/adapters/store.ts';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import { oneLine } from '../../shared/domain/sanitise.ts';
import type { OwnerNotices } from '../adapters/notices.ts';
import type { CleanupSecrets } from '../adapters/secrets.ts';
import { dayOf } from '../domain/days.ts';
import { Action, Phase, REPLICAS_ARE_IMMEDIATE } from '../domain/plan.ts';
import { evaluate } from '../domain/policy.ts';
import { CleanupSecretGoneError, DeletionRefusedError } from '../errors.ts';
import type {
  CleanupCandidateClearedDetail,
  DeleteInput,
  ReportRow,
  SecretScheduledForDeletionDetail,
} from '../schemas.ts';
import { rowOf } from './mark.ts';

interface DeleteDeps {
  readonly secrets: CleanupSecrets;
  readonly approvals: Pick<ApprovalStore, 'get'>;
  readonly bus: EventPublisher;
  readonly notices: OwnerNotices;
  readonly logger: Logger;
}

const DELETE_ACTION = 'delete-secret';

const createDeleteStep = ({ secrets, approvals, bus, notices, logger }: DeleteDeps) => {
  /** Only an approved record for this secret and this action lets a deletion through. */
  const approvedByRecord = async ({ item, approval }: DeleteInput): Promise<string | undefined> => {
    if (!item.approvalRequired) return undefined;
    const record = approval?.approvalId ? await approvals.get(approval.approvalId) : undefined;
    if (!record) return 'no approval record backs this deletion';
    if (record.secretId !== item.arn || record.action !== DELETE_ACTION) return 'the approval is for something else';
    if (record.status !== 'approved') return `the approval is ${record.status}, not approved`;
    return undefined;
  };

  return async (input: DeleteInput): Promise<ReportRow> => {
    const { scan, item } = input;
    const keep = (action: string, reason: string, phase = item.phase) => rowOf(item, { phase, action, reason });
    const refused = await approvedByRecord(input);
    if (refused !== undefined) {
      logger.warn('Deletion refused: approval not on record', { secretId: item.arn, refused });
      return keep(Action.approvalFailed, `${item.reason}; not deleted: ${refused}`);
    }
    try {
      const { secret, replicas } = await secrets.describe(item.arn);
      const settings = {
        unusedDays: scan.unusedDays,
        graceDays: scan.graceDays,
        exemptPrefixes: scan.exemptPrefixes,
        region: scan.region,
      };
      const verdict = evaluate(secret, replicas, settings, scan.today);
      if (verdict.kind === 'in-use') {
        await secrets.unmark(item.arn);
        const detail: CleanupCandidateClearedDetail = {
          secretId: item.arn,
          name: item.name,
          markedOn: item.markedOn ?? null,
          lastUsed: verdict.lastUsed,
          reason: `read again before the deletion: ${verdict.reason}`,
          scanId: scan.scanId,
        };
        await bus.publish('Cleanup Candidate Cleared', detail, [item.arn]);
        return rowOf(
          { ...item, lastUsed: verdict.lastUsed },
          {
            phase: Phase.inUse,
            action: Action.unmarked,
            reason: detail.reason,
          },
        );
      }
      if (verdict.kind === 'exempt') return keep(Action.keptExempt, `kept: ${verdict.reason}`, Phase.exempt);
      if (verdict.kind !== 'unused' || !verdict.due || verdict.markedOn !== item.markedOn) {
        return keep(Action.keptUnmarked, `kept: its mark changed or was removed since the scan planned the deletion`);
      }
      const regions = [...verdict.replicaRegions];
      if (regions.length > 0 && !verdict.replicasAllowed) {
        return keep(Action.skippedReplicas, `${item.reason}; has replicas in ${regions.join(', ')}: not deleted`);
      }
      await secrets.removeReplicas(item.arn, regions);
      const { deletionDate } = await secrets.scheduleDeletion(item.arn, scan.recoveryDays);
      const detail: SecretScheduledForDeletionDetail = {
        secretId: item.arn,
        name: item.name,
        deletionDate,
        recoveryDays: scan.recoveryDays,
        lastUsed: verdict.lastUsed,
        markedOn: item.markedOn ?? null,
        replicasRemoved: regions,
        scanId: scan.scanId,
      };
      await bus.publish('Secret Scheduled For Deletion', detail, [item.arn]);
      const gone = dayOf(deletionDate) ?? deletionDate;
      const replicaNote =
        regions.length > 0
          ? `; its replicas in ${regions.join(', ')} were removed first (${REPLICAS_ARE_IMMEDIATE})`
          : '';
      await notices.notify({
        owner: item.owner,
        subject: `[smcp] Secret scheduled for deletion: ${item.name}`,
        message: [
          `The secret ${oneLine(item.name)} was unused and is scheduled for deletion: Secrets Manager deletes it for good on ${gone}.`,
          `Why: ${oneLine(item.reason)}.`,
          ...(regions.length > 0
            ? [`Its replicas in ${regions.join(', ')} were removed first; that cannot be undone.`]
            : []),
          `To keep it: npm run smcp -- restore ${item.name}   (or aws secretsmanager restore-secret --secret-id ${item.arn})`,
          `Secret: ${item.arn}`,
          `Scan: ${scan.scanId}`,
        ].join('\n'),
      });
      logger.info('Secret scheduled for deletion', {
        secretId: item.arn,
        recoveryDays: scan.recoveryDays,
        deletionDate,
        replicasRemoved: regions,
      });
      return rowOf(item, {
        phase: Phase.scheduled,
        action: Action.scheduled,
        reason: `${item.reason}; scheduled for deletion with a ${scan.recoveryDays}-day recovery window (gone on ${gone} unless restored)${replicaNote}`,
      });
    } catch (error) {
      if (error instanceof CleanupSecretGoneError) return keep(Action.failed, 'the secret no longer exists');
      if (error instanceof DeletionRefusedError) return keep(Action.failed, `${item.reason}; ${error.message}`);
      throw error;
    }
  };
};

export { createDeleteStep, DELETE_ACTION };

// Report The Repair: the rows of one secret (the scan's output), `Replica Repaired` for the regions repaired or pruned,
// `Replica Repair Failed` for those that were not, and one SNS notification when a human has to act — once per
// failure: the same failure found again by a later scan is told again only after the repeat interval
// (adapters/escalations.ts). A dry run reports rows only. Takes the iteration's whole state: which fields exist
// depends on the path the workflow took.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import type { EscalationLog } from '../adapters/escalations.ts';
import {
  escalationDue,
  escalationFingerprint,
  escalationOf,
  NOT_REPAIRED,
  outcomeOf,
  REPAIRED,
  type RepairState,
  rowsOf,
} from '../domain/report.ts';
import type { ReplicaRepairedDetail, ReplicaRepairFailedDetail, ReplicaRow, ReportInput } from '../schemas.ts';

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly escalations: EscalationLog;
  /** How long the same failure of a secret is not told again (0: every report tells it). */
  readonly repeatMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

// An escalation's record outlives its repeat interval by a day, then DynamoDB's TTL removes it.
const RECORD_MARGIN_S = 24 * 60 * 60;

/** A failed step's error, as the workflow's Catch recorded it: its name, and the cause's message when it has one. */
const errorReason = (error: { Error?: string; Cause?: string } | undefined) => {
  if (!error) return undefined;
  let message = '';
  try {
    const cause = JSON.parse(error.Cause ?? '{}') as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    message = '';
  }
  return `${error.Error ?? 'Error'}${message ? `: ${message.slice(0, 300)}` : ''}`;
};

const createReportStep =
  ({ bus, notifier, escalations, repeatMs, logger, now = Date.now }: ReportDeps) =>
  async ({ executionName, state }: ReportInput): Promise<{ rows: ReplicaRow[] }> => {
    const reason = errorReason(state.error);
    const stopped = state.stopped ?? (reason ? { kind: 'error' as const, reason } : undefined);
    const repair: RepairState = {
      secretId: state.plan?.secretId ?? state.candidate.secretId,
      name: state.plan?.name ?? state.candidate.name,
      dryRun: state.scan.dryRun,
      ...(state.plan ? { plan: state.plan } : {}),
      ...(state.progress ? { progress: state.progress } : {}),
      ...(stopped ? { stopped } : {}),
    };
    const rows = rowsOf(repair);
    if (repair.dryRun || stopped?.kind === 'busy') {
      logger.info('Replica repair reported', {
        secretId: repair.secretId,
        dryRun: repair.dryRun,
        outcomes: rows.map((r) => `${r.region}:${r.outcome}`),
      });
      return { rows };
    }
    const escalation = escalationOf(repair, rows, executionName);
    // Told already: when people were told of this very failure, if they are not told again now.
    let toldAt: string | undefined;
    if (escalation) {
      const fingerprint = escalationFingerprint(rows);
      const at = now();
      const last = repeatMs > 0 ? await escalations.last(repair.secretId) : undefined;
      if (last && !escalationDue(last, fingerprint, at, repeatMs)) {
        toldAt = last.sentAt;
        logger.info('Replica escalation not repeated', {
          secretId: repair.secretId,
          fingerprint,
          sentAt: toldAt,
          repeatsAfter: new Date(Date.parse(toldAt) + repeatMs).toISOString(),
        });
      } else {
        // Told first, recorded after: a record that fails to be written means one more notification, never none.
        await notifier.notify(escalation.subject, escalation.message);
        if (repeatMs > 0) {
          const sentAt = new Date(at).toISOString();
          await escalations.sent(
            repair.secretId,
            { fingerprint, sentAt },
            Math.ceil((at + repeatMs) / 1000) + RECORD_MARGIN_S,
          );
        }
      }
    }
    const escalated = escalation !== undefined && toldAt === undefined;
    const repaired = rows.filter((r) => REPAIRED.has(r.outcome));
    // A repair means the failure that was told is over, and so do replicas found in sync (fixed by hand; a scan of
    // every secret forgets those in Find Candidates, where they stop being candidates): if one comes back, it is told
    // at once. Only then, so a report of a failure held back costs no write.
    const inSync = rows.length > 0 && rows.every((r) => r.outcome === 'in-sync');
    if (!escalation && (repaired.length > 0 || inSync) && repeatMs > 0) await escalations.clear(repair.secretId);
    if (repaired.length > 0) {
      const detail: ReplicaRepairedDetail = {
        secretId: repair.secretId,
        name: repair.name,
        executionName,
        regions: repaired.map((r) => outcomeOf(r, repair.progress)),
      };
      await bus.publish('Replica Repaired', detail, [repair.secretId]);
    }
    const notRepaired = rows.filter((r) => NOT_REPAIRED.has(r.outcome));
    if (notRepaired.length > 0) {
      const detail: ReplicaRepairFailedDetail = {
        secretId: repair.secretId,
        name: repair.name,
        executionName,
        escalated,
        ...(toldAt === undefined ? {} : { escalatedAt: toldAt }),
        reason: stopped?.reason ?? notRepaired.map((r) => `${r.region}: ${r.outcome}`).join(', '),
        regions: notRepaired.map((r) => outcomeOf(r, repair.progress)),
      };
      await bus.publish('Replica Repair Failed', detail, [repair.secretId]);
    }
    logger.info('Replica repair reported', {
      secretId: repair.secretId,
      outcomes: rows.map((r) => `${r.region}:${r.outcome}`),
      escalated,
    });
    return { rows };
  };

export type { ReportDeps };
export { createReportStep };

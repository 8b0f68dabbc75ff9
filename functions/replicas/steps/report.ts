// Report The Repair: the rows of one secret (the scan's output), `Replica Repaired` for the regions repaired or pruned,
// `Replica Repair Failed` for those that were not, and one SNS notification when a human has to act. A dry run reports
// rows only. Takes the iteration's whole state: which fields exist depends on the path the workflow took.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { escalationOf, NOT_REPAIRED, outcomeOf, REPAIRED, type RepairState, rowsOf } from '../domain/report.ts';
import type { ReplicaRepairedDetail, ReplicaRepairFailedDetail, ReplicaRow, ReportInput } from '../schemas.ts';

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

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
  ({ bus, notifier, logger }: ReportDeps) =>
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
    if (escalation) await notifier.notify(escalation.subject, escalation.message);
    const repaired = rows.filter((r) => REPAIRED.has(r.outcome));
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
        escalated: escalation !== undefined,
        reason: stopped?.reason ?? notRepaired.map((r) => `${r.region}: ${r.outcome}`).join(', '),
        regions: notRepaired.map((r) => outcomeOf(r, repair.progress)),
      };
      await bus.publish('Replica Repair Failed', detail, [repair.secretId]);
    }
    logger.info('Replica repair reported', {
      secretId: repair.secretId,
      outcomes: rows.map((r) => `${r.region}:${r.outcome}`),
      escalated: escalation !== undefined,
    });
    return { rows };
  };

export type { ReportDeps };
export { createReportStep };

// Notify Outcome: the rotation's outcome as an `smcp` event on the bus (the audit trail), and for failures and roll
// backs a notification to the people on the topic as well.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { oneLine, quoted } from '../../shared/domain/sanitise.ts';
import { buildOutcome, type OutcomeDetail } from '../domain/outcome.ts';
import type { RotationReportInput } from '../schemas.ts';

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

// Free text (the requester, an error's message) on one line and quoted (functions/shared/domain/sanitise.ts): a
// requester with line breaks must not add lines of its own to the alert.
const alertText = (detail: OutcomeDetail) =>
  [
    `${detail.outcome}: ${oneLine(detail.secretId, 2048)}`,
    `Reason: ${quoted(detail.reason, 1000)}`,
    `Requested by: ${quoted(detail.requestedBy, 512)}`,
    ...(detail.approvedBy ? [`Approved by: ${quoted(detail.approvedBy, 256)}`] : []),
    ...(detail.compensationError
      ? [
          `Compensation problem: ${oneLine(detail.compensationError.name, 256)}: ${quoted(detail.compensationError.message, 1000)}`,
        ]
      : []),
    `Execution: ${oneLine(detail.executionArn, 2048)}`,
  ].join('\n');

const createReportStep =
  ({ bus, notifier, logger }: ReportDeps) =>
  async ({ state, executionArn }: RotationReportInput) => {
    const { detail, alert } = buildOutcome(state, executionArn);
    await bus.publish(detail.outcome, detail, [detail.secretId]);
    if (alert) await notifier.notify(`[smcp] ${detail.outcome}: ${oneLine(detail.secretId)}`, alertText(detail));
    logger.info('Rotation outcome reported', { outcome: detail.outcome, secretId: detail.secretId, alert });
    return { outcome: detail.outcome, alerted: alert };
  };

export type { ReportDeps };
export { createReportStep };

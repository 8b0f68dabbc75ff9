// Notify Outcome: the rotation's outcome as an `smcp` event on the bus (the audit trail), and for failures and roll
// backs a notification to the people on the topic as well.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { buildOutcome, type OutcomeDetail } from '../domain/outcome.ts';
import type { RotationReportInput } from '../schemas.ts';

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

const alertText = (detail: OutcomeDetail) =>
  [
    `${detail.outcome}: ${detail.secretId}`,
    `Reason: ${detail.reason}`,
    `Requested by: ${detail.requestedBy}`,
    ...(detail.compensationError
      ? [`Compensation problem: ${detail.compensationError.name}: ${detail.compensationError.message}`]
      : []),
    `Execution: ${detail.executionArn}`,
  ].join('\n');

const createReportStep =
  ({ bus, notifier, logger }: ReportDeps) =>
  async ({ state, executionArn }: RotationReportInput) => {
    const { detail, alert } = buildOutcome(state, executionArn);
    await bus.publish(detail.outcome, detail, [detail.secretId]);
    if (alert) await notifier.notify(`[smcp] ${detail.outcome}: ${detail.secretId}`, alertText(detail));
    logger.info('Rotation outcome reported', { outcome: detail.outcome, secretId: detail.secretId, alert });
    return { outcome: detail.outcome, alerted: alert };
  };

export type { ReportDeps };
export { createReportStep };

// Notify Outcome for the remediation and verification workflows: the outcome on the bus (the audit trail), a
// notification to people, and for a remediation that left the secret consistent, maybe an orchestrated retry.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { buildRemediationOutcome, REMEDIATION_REQUESTER } from '../domain/remediation.ts';
import { buildVerificationOutcome } from '../domain/verification.ts';
import type { AftercareReportInput, RotationRequestedDetail } from '../schemas.ts';

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** The stage switch for orchestrated retries (param remediationRetry), read per call. */
  readonly retry: () => boolean;
}

const messageOf = (detail: Record<string, unknown>) =>
  Object.entries(detail)
    .filter(([key]) => !['trigger', 'workflow'].includes(key))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');

const createAftercareReportStep =
  ({ bus, notifier, logger, retry }: ReportDeps) =>
  async (input: AftercareReportInput) => {
    const { workflow, executionArn } = input;
    const built =
      input.workflow === 'rotation-remediation'
        ? buildRemediationOutcome(input.state, executionArn, { retry: retry() })
        : { ...buildVerificationOutcome(input.state, executionArn), retryRequested: false };
    const { detailType, detail, alert, retryRequested } = built;
    await bus.publish(detailType, detail, [detail.secretId]);
    if (alert) await notifier.notify(`[smcp] ${detailType}: ${detail.secretId}`, messageOf(detail));
    if (retryRequested) {
      // The orchestrated rotation takes the lock, plans, asks for approval by policy, and compensates on failure.
      const request: RotationRequestedDetail = {
        secretId: detail.secretId,
        requestedBy: REMEDIATION_REQUESTER,
        reason: `retry after a failed rotation (${String((detail as { failedStep?: string }).failedStep)})`,
        requestId: `remediation-${executionArn.split(':').at(-1) ?? ''}`.slice(0, 128),
      };
      await bus.publish('Rotation Requested', request, [detail.secretId]);
    }
    logger.info('Outcome reported', {
      workflow,
      outcome: detailType,
      secretId: detail.secretId,
      alert,
      retryRequested,
    });
    return { outcome: detailType, alerted: alert, retryRequested };
  };

export type { ReportDeps };
export { createAftercareReportStep };

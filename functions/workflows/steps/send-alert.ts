// Send Alert: `Workflow Failed` on the bus (the audit trail) and a notification to the people on the alerts topic.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { buildAlert } from '../domain/alert.ts';
import type { SendAlertInput } from '../schemas.ts';

interface SendAlertDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

const createSendAlertStep =
  ({ bus, notifier, logger }: SendAlertDeps) =>
  async ({ failure, locks }: SendAlertInput) => {
    const { detail, subject, message } = buildAlert(failure, locks);
    await bus.publish('Workflow Failed', detail, [detail.executionArn, ...(detail.secretId ? [detail.secretId] : [])]);
    await notifier.notify(subject, message);
    logger.info('Workflow failure alerted', {
      executionArn: detail.executionArn,
      status: detail.status,
      lock: detail.lock,
    });
    return { alerted: true, lock: detail.lock };
  };

export type { SendAlertDeps };
export { createSendAlertStep };

// Puts the control plane's own events (source `smcp`) on the event bus: outcomes and approvals, the audit trail.
// Details carry ids, names and verdicts only; callers never pass a secret value.
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const SOURCE = 'smcp';

interface EventPublisher {
  publish(detailType: string, detail: object, resources?: readonly string[]): Promise<void>;
}

class EventNotPublishedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventNotPublishedError';
  }
}

const createEventPublisher = ({
  events,
  busName = 'default',
}: {
  events: EventBridgeClient;
  busName?: string;
}): EventPublisher => ({
  async publish(detailType, detail, resources = []) {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
            Resources: [...resources],
            EventBusName: busName,
          },
        ],
      }),
    );
    // PutEvents answers 200 with per-entry failures: an entry that was not accepted must not pass silently.
    const failed = out.Entries?.find((entry) => entry.ErrorCode);
    if ((out.FailedEntryCount ?? 0) > 0 || failed) {
      throw new EventNotPublishedError(
        `"${detailType}" was not accepted by the bus (${failed?.ErrorCode ?? 'unknown'})`,
      );
    }
  },
});

export type { EventPublisher };
export { createEventPublisher, EventNotPublishedError, SOURCE };

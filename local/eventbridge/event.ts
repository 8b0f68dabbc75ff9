/** An event as EventBridge delivers it: the envelope every emulator emits and every rule matches. */
interface EventBridgeEvent<Detail = unknown> {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Detail;
}

/**
 * An emulator's emit that never fails the call that made the event: on AWS a call's CloudTrail record and its service
 * events are delivered after it, and a failed delivery is not the call's failure (a write that changed a resource and
 * then answered 500 would be retried by every SDK). An event the bus refuses is reported as `[area] <detail-type>
 * <id> was not published: <why>`; the message names the event, never its detail.
 */
const deliveredAfterTheCall =
  <E extends Pick<EventBridgeEvent, 'id' | 'detail-type'>>(
    emit: (event: E) => void,
    log: (line: string) => void,
    area: string,
  ) =>
  (event: E): void => {
    try {
      emit(event);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      log(`[${area}] ${event['detail-type']} ${event.id} was not published: ${why}`);
    }
  };

export type { EventBridgeEvent };
export { deliveredAfterTheCall };

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

export type { EventBridgeEvent };

// The events S3 sends EventBridge for a bucket whose NotificationConfiguration has EventBridgeConfiguration:
// "Object Created" and "Object Deleted" on the default bus, source aws.s3, shaped as S3 sends them. Keys are
// URL-encoded as in S3's notifications (a space as `+`).
import type { EventBridgeEvent } from '../eventbridge/event.ts';
import { randomId } from '../json-protocol/uuid.ts';
import type { S3Object } from './state.ts';

/** Who made the change: the caller's account (or a service principal, cloudtrail.amazonaws.com) and its address. */
interface Requester {
  readonly requester: string;
  readonly sourceIp: string;
  readonly requestId: string;
}

interface ObjectEvent {
  readonly bucket: string;
  readonly region: string;
  readonly account: string;
  readonly time: Date;
  readonly by: Requester;
}

// S3 encodes keys as a form value (spaces as `+`) and leaves the slashes of a path.
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

const envelope = (detailType: string, event: ObjectEvent, detail: Record<string, unknown>): EventBridgeEvent => ({
  version: '0',
  id: randomId(),
  'detail-type': detailType,
  source: 'aws.s3',
  account: event.account,
  time: `${event.time.toISOString().slice(0, 19)}Z`,
  region: event.region,
  resources: [`arn:aws:s3:::${event.bucket}`],
  detail,
});

const objectCreatedEvent = (event: ObjectEvent, object: S3Object): EventBridgeEvent =>
  envelope('Object Created', event, {
    version: '0',
    bucket: { name: event.bucket },
    object: { key: encodeKey(object.key), size: object.size, etag: object.etag, sequencer: object.sequencer },
    'request-id': event.by.requestId,
    requester: event.by.requester,
    'source-ip-address': event.by.sourceIp,
    reason: 'PutObject',
  });

/** Why an object went: a DeleteObject(s) request, or a lifecycle rule (S3's `reason` field). */
type DeletionReason = 'DeleteObject' | 'Lifecycle Expiration';

const objectDeletedEvent = (
  event: ObjectEvent,
  key: string,
  sequencer: string,
  reason: DeletionReason = 'DeleteObject',
): EventBridgeEvent =>
  envelope('Object Deleted', event, {
    version: '0',
    bucket: { name: event.bucket },
    object: { key: encodeKey(key), sequencer },
    'request-id': event.by.requestId,
    requester: event.by.requester,
    'source-ip-address': event.by.sourceIp,
    reason,
    'deletion-type': 'Permanently Deleted',
  });

export type { DeletionReason, Requester };
export { encodeKey, objectCreatedEvent, objectDeletedEvent };

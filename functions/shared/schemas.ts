// Event shapes no single area owns: AWS's own events as EventBridge delivers them. An area's own events and step
// inputs live in functions/<area>/schemas.ts. Every schema here is zod only, so the dispatcher can import it alone.
// Written with zod/mini, like every schema module (docs/architecture.md, decisions).
import * as z from 'zod/mini';
import './zod-locale.ts';

/** A secret id as the APIs accept it: a name or an ARN. */
const SecretRef = z.string().check(z.minLength(1), z.maxLength(2048));

/**
 * An event as EventBridge delivers it (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html),
 * with the fields and checks of Powertools' `EventBridgeSchema`, which is written in classic zod.
 */
const EventBridgeEvent = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
type EventBridgeEvent = z.infer<typeof EventBridgeEvent>;

/**
 * Secrets Manager's service events through CloudTrail (`AWS Service Event via CloudTrail`): the secret is in
 * additionalEventData.SecretId, never in requestParameters. `eventNames` come from the rule's pattern.
 */
const awsServiceEventDetail = (eventNames: readonly [string, ...string[]]) =>
  z.object({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: z.enum(eventNames),
    eventType: z.literal('AwsServiceEvent'),
    errorMessage: z.optional(z.string()),
    additionalEventData: z.object({ SecretId: SecretRef }),
  });
type AwsServiceEventDetail = z.infer<ReturnType<typeof awsServiceEventDetail>>;

/** A schedule rule's event (`Scheduled Event` from `aws.events`): its detail is `{}`. */
const ScheduledDetail = z.looseObject({});

export type { AwsServiceEventDetail };
export { awsServiceEventDetail, EventBridgeEvent, ScheduledDetail, SecretRef };

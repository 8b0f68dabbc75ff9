// Event shapes no single area owns: AWS's own events as EventBridge delivers them. An area's own events and step
// inputs live in functions/<area>/schemas.ts. Every schema here is zod only, so the dispatcher can import it alone.
import { z } from 'zod';

/** A secret id as the APIs accept it: a name or an ARN. */
const SecretRef = z.string().min(1).max(2048);

/**
 * Secrets Manager's service events through CloudTrail (`AWS Service Event via CloudTrail`): the secret is in
 * additionalEventData.SecretId, never in requestParameters. `eventNames` come from the rule's pattern.
 */
const awsServiceEventDetail = (eventNames: readonly [string, ...string[]]) =>
  z.object({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: z.enum(eventNames),
    eventType: z.literal('AwsServiceEvent'),
    errorMessage: z.string().optional(),
    additionalEventData: z.object({ SecretId: SecretRef }),
  });
type AwsServiceEventDetail = z.infer<ReturnType<typeof awsServiceEventDetail>>;

/** A schedule rule's event (`Scheduled Event` from `aws.events`): its detail is `{}`. */
const ScheduledDetail = z.object({}).loose();

export type { AwsServiceEventDetail };
export { awsServiceEventDetail, ScheduledDetail, SecretRef };

// The dispatch area's boundary: what every rule's target delivers, and what it starts a workflow with. The detail
// schemas of the events themselves belong to the areas whose events they are (see domain/details.ts).
import * as z from 'zod/mini';
import { EventBridgeEvent } from '../shared/schemas.ts';

/**
 * What each rule's target delivers: its input transformer wraps the event with the rule's name
 * (`{"rule": "<name>", "event": <aws.events.event.json>}`), because a Lambda cannot otherwise tell which rule fired.
 */
const DispatchEnvelope = z.object({ rule: z.string(), event: EventBridgeEvent });
type DispatchEnvelope = z.infer<typeof DispatchEnvelope>;

/** Every workflow's execution input: where the event came from, the secret it is about, and its validated detail. */
const WorkflowTrigger = z.object({
  rule: z.string(),
  eventId: z.string(),
  source: z.string(),
  detailType: z.string(),
  time: z.string(),
  region: z.string(),
  account: z.string(),
});
type WorkflowTrigger = z.infer<typeof WorkflowTrigger>;

const WorkflowInput = z.object({ trigger: WorkflowTrigger, secretId: z.nullable(z.string()), detail: z.unknown() });
type WorkflowInput = z.infer<typeof WorkflowInput>;

export { DispatchEnvelope, WorkflowInput, WorkflowTrigger };

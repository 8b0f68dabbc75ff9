// The detail schemas a rule file may name (`"detailSchema"`), each with how to find the secret the event is about.
// The schemas themselves belong to the areas whose events they are (functions/<area>/schemas.ts, zod only).
import type * as z from 'zod/mini';
import { ReadSpikeDetectedDetail } from '../../reads/schemas.ts';
import { ReplicaScanRequestedDetail } from '../../replicas/schemas.ts';
import { LabelUpdatedDetail, RotationRequestedDetail } from '../../rotation/schemas.ts';
import { awsServiceEventDetail, ScheduledDetail } from '../../shared/schemas.ts';

/** A detail schema (zod/mini, as every area's schemas are). */
type DetailSchema = z.ZodMiniType;

interface DetailContract {
  /** The schema for `detail`; service events take their allowed event names from the rule's pattern. */
  readonly schema: (eventNames: readonly string[]) => DetailSchema;
  /** The secret the workflow is about, when the event names one (schedules do not). */
  readonly secretId: (detail: never, resources: readonly string[]) => string | undefined;
}

const details = {
  RotationRequested: {
    schema: () => RotationRequestedDetail,
    secretId: (d: z.infer<typeof RotationRequestedDetail>) => d.secretId,
  },
  ReadSpikeDetected: {
    schema: () => ReadSpikeDetectedDetail,
    secretId: (d: z.infer<typeof ReadSpikeDetectedDetail>) => d.secretId,
  },
  SecretLabelUpdated: {
    schema: () => LabelUpdatedDetail,
    // The native event names the secret; its ARN, when present, is unambiguous.
    secretId: (d: z.infer<typeof LabelUpdatedDetail>, resources: readonly string[]) => resources[0] ?? d.name,
  },
  AwsServiceEvent: {
    schema: (eventNames) => {
      const [first, ...rest] = eventNames;
      if (first === undefined) throw new TypeError('a service-event rule names its eventName values in the pattern');
      return awsServiceEventDetail([first, ...rest]);
    },
    secretId: (d: { additionalEventData: { SecretId: string } }) => d.additionalEventData.SecretId,
  },
  Scheduled: { schema: () => ScheduledDetail, secretId: () => undefined },
  ReplicaScanRequested: {
    schema: () => ReplicaScanRequestedDetail,
    secretId: (d: { secretId?: string }) => d.secretId,
  },
} as const satisfies Record<string, DetailContract>;

const isDetailSchemaName = (name: string): name is keyof typeof details => Object.hasOwn(details, name);

export type { DetailContract, DetailSchema };
export { details, isDetailSchemaName };

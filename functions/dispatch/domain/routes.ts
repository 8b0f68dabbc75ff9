// Which workflow each EventBridge rule starts, and what a valid event for that rule looks like.
// events/rules/<rule>.json holds the pattern; this table holds the contract. A test keeps the two in step.
import { z } from 'zod';

const SecretRef = z.string().min(1).max(2048);

/** CloudTrail service events: the secret is in additionalEventData.SecretId, never in requestParameters. */
const serviceEvent = (eventNames: readonly [string, ...string[]]) =>
  z.object({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: z.enum(eventNames),
    eventType: z.literal('AwsServiceEvent'),
    errorMessage: z.string().optional(),
    additionalEventData: z.object({ SecretId: SecretRef }),
  });

const ScheduledDetail = z.object({}).loose();

const RotationRequestedDetail = z.object({
  secretId: SecretRef,
  reason: z.string().max(1024).optional(),
  requestedBy: z.string().max(512).optional(),
  requestId: z.string().max(128).optional(),
});

const ReadSpikeDetectedDetail = z.object({
  secretId: SecretRef,
  windowStart: z.iso.datetime(),
  windowEnd: z.iso.datetime(),
  observed: z.number().nonnegative(),
  expected: z.number().nonnegative(),
  score: z.number(),
});

const LabelUpdatedDetail = z.object({
  name: SecretRef,
  labelUpdated: z.literal('AWSCURRENT'),
  versionId: z.string().min(1),
});

interface Route {
  readonly workflow: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: z.ZodType;
  /** The secret the workflow is about, when the event names one (schedules do not). */
  readonly secretId: (detail: never, resources: readonly string[]) => string | undefined;
}

const routes = {
  'rotation-requested': {
    workflow: 'rotation',
    source: 'smcp',
    detailType: 'Rotation Requested',
    detail: RotationRequestedDetail,
    secretId: (d: z.infer<typeof RotationRequestedDetail>) => d.secretId,
  },
  'rotation-failed': {
    workflow: 'rotation-remediation',
    source: 'aws.secretsmanager',
    detailType: 'AWS Service Event via CloudTrail',
    detail: serviceEvent(['RotationFailed', 'RotationAbandoned']),
    secretId: (d: { additionalEventData: { SecretId: string } }) => d.additionalEventData.SecretId,
  },
  'rotation-succeeded': {
    workflow: 'rotation-verification',
    source: 'aws.secretsmanager',
    detailType: 'AWS Service Event via CloudTrail',
    detail: serviceEvent(['RotationSucceeded']),
    secretId: (d: { additionalEventData: { SecretId: string } }) => d.additionalEventData.SecretId,
  },
  'current-label-moved': {
    workflow: 'rotation-verification',
    source: 'aws.secretsmanager',
    detailType: 'Secret Label Updated',
    detail: LabelUpdatedDetail,
    // The native event names the secret; its ARN, when present, is unambiguous.
    secretId: (d: z.infer<typeof LabelUpdatedDetail>, resources: readonly string[]) => resources[0] ?? d.name,
  },
  'read-spike-detected': {
    workflow: 'read-anomaly-response',
    source: 'smcp',
    detailType: 'Read Spike Detected',
    detail: ReadSpikeDetectedDetail,
    secretId: (d: z.infer<typeof ReadSpikeDetectedDetail>) => d.secretId,
  },
  'replication-failed': {
    workflow: 'replica-repair',
    source: 'aws.secretsmanager',
    detailType: 'AWS Service Event via CloudTrail',
    detail: serviceEvent(['ReplicationFailed']),
    secretId: (d: { additionalEventData: { SecretId: string } }) => d.additionalEventData.SecretId,
  },
  'replica-drift-scan': {
    workflow: 'replica-repair',
    source: 'aws.events',
    detailType: 'Scheduled Event',
    detail: ScheduledDetail,
    secretId: () => undefined,
  },
  'cleanup-scan': {
    workflow: 'cleanup',
    source: 'aws.events',
    detailType: 'Scheduled Event',
    detail: ScheduledDetail,
    secretId: () => undefined,
  },
} as const satisfies Record<string, Route>;

type RuleName = keyof typeof routes;

const ruleNames = Object.keys(routes) as RuleName[];
const isRuleName = (name: string): name is RuleName => Object.hasOwn(routes, name);

export type { Route, RuleName };
export { isRuleName, routes, ruleNames };

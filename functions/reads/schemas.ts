// The read-spike area's boundaries: the read events ingest-reads consumes, the events the area emits and consumes, and
// each step's input. Zod only (the dispatcher imports this file); types come from z.infer.
import * as z from 'zod/mini';
import { EventBridgeEvent, SecretRef } from '../shared/schemas.ts';

// --- CloudTrail reads on the read-events queue (ingest-reads) --------------------------------------------------------
// Only the fields counted are kept: a narrow schema parses faster and cannot carry anything else along.

const ReadIdentity = z.object({
  type: z.optional(z.string().check(z.maxLength(64))),
  arn: z.optional(z.string().check(z.maxLength(2048))),
  principalId: z.optional(z.string().check(z.maxLength(512))),
  accessKeyId: z.optional(z.string().check(z.maxLength(128))),
  invokedBy: z.optional(z.string().check(z.maxLength(256))),
});
type ReadIdentity = z.infer<typeof ReadIdentity>;

const ReadRequestParameters = z.optional(
  z.nullable(z.object({ secretId: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))) })),
);

const ReadEventName = z.enum(['GetSecretValue', 'BatchGetSecretValue']);

/**
 * A read as the read-events rule's input transformer trims it (events/rules/read-events.json): about 700 bytes instead
 * of 1.5 KB, so more records fit one Lambda invocation.
 */
const ReadRecord = z.object({
  v: z.literal(1),
  eventID: z.string().check(z.minLength(1), z.maxLength(128)),
  eventName: ReadEventName,
  eventTime: z.string().check(z.minLength(1), z.maxLength(64)),
  region: z.string().check(z.maxLength(64)),
  sourceIp: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
  userAgent: z.optional(z.nullable(z.string().check(z.maxLength(1024)))),
  userIdentity: ReadIdentity,
  requestParameters: ReadRequestParameters,
});
type ReadRecord = z.infer<typeof ReadRecord>;

/** The whole event, as EventBridge delivers it without a transformer (sent to the queue by hand, or by an older rule). */
const ReadEvent = z.extend(EventBridgeEvent, {
  detail: z.object({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: ReadEventName,
    eventID: z.string().check(z.minLength(1), z.maxLength(128)),
    eventTime: z.string().check(z.minLength(1), z.maxLength(64)),
    awsRegion: z.string().check(z.maxLength(64)),
    sourceIPAddress: z.optional(z.string().check(z.maxLength(256))),
    userAgent: z.optional(z.string().check(z.maxLength(1024))),
    userIdentity: ReadIdentity,
    requestParameters: ReadRequestParameters,
  }),
});
type ReadEvent = z.infer<typeof ReadEvent>;

// --- Events ----------------------------------------------------------------------------------------------------------

/**
 * `smcp` / `Read Spike Detected`, from detect-spikes: the window and the numbers the detector saw. detect-spikes also
 * names who read (topPrincipals, sourceIps, userAgents, regions); the dispatcher keeps only these fields, and the
 * workflow reads the rest back from the counters.
 */
const ReadSpikeDetectedDetail = z.object({
  secretId: SecretRef,
  windowStart: z.iso.datetime(),
  windowEnd: z.iso.datetime(),
  observed: z.number().check(z.nonnegative()),
  expected: z.number().check(z.nonnegative()),
  score: z.number(),
});
type ReadSpikeDetectedDetail = z.infer<typeof ReadSpikeDetectedDetail>;

const Severity = z.enum(['low', 'medium', 'high']);
type Severity = z.infer<typeof Severity>;

/** What a secret's smcp:anomaly-response tag (or the stage's readAnomalyResponse) may ask for. */
const ResponsePolicy = z.enum(['none', 'rotate', 'quarantine']);
type ResponsePolicy = z.infer<typeof ResponsePolicy>;

/** What the workflow does: the policy, or `escalate` when a quarantine cannot or may not happen. */
const Remediation = z.enum(['none', 'rotate', 'quarantine', 'escalate']);
type Remediation = z.infer<typeof Remediation>;

/**
 * `smcp` / `Read Anomaly Handled`, the workflow's outcome on the bus and its output: exactly the fields of its Report
 * Handled state, or of Report Secret Gone when the secret no longer exists.
 */
const ReadAnomalyHandledDetail = z.union([
  z.object({
    secretId: SecretRef,
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    severity: Severity,
    policy: ResponsePolicy,
    remediation: Remediation,
    remediated: z.boolean(),
    reason: z.string(),
    suspect: z.nullable(z.string()),
    approvalRequired: z.boolean(),
    executionName: z.string(),
  }),
  z.object({
    secretId: SecretRef,
    remediation: z.literal('none'),
    remediated: z.literal(false),
    reason: z.string(),
    executionName: z.string(),
  }),
]);
type ReadAnomalyHandledDetail = z.infer<typeof ReadAnomalyHandledDetail>;

// --- Step inputs -----------------------------------------------------------------------------------------------------

/** detect-spikes: the detect-spikes rule's schedule event; only its `time` is used. */
const DetectSpikesInput = EventBridgeEvent;
type DetectSpikesInput = z.infer<typeof DetectSpikesInput>;

/** Assess The Spike: the workflow's input as dispatch starts it, with the validated `Read Spike Detected` detail. */
const AssessInput = z.object({ secretId: SecretRef, detail: ReadSpikeDetectedDetail });
type AssessInput = z.infer<typeof AssessInput>;

/** Alert Slack: the assessment's notification. */
const SlackAlertInput = z.object({
  secretId: SecretRef,
  notification: z.object({ subject: z.string().check(z.minLength(1)), message: z.string().check(z.minLength(1)) }),
});
type SlackAlertInput = z.infer<typeof SlackAlertInput>;

/** Quarantine The Principal: the assessment's suspect, and the execution that asks. */
const QuarantineInput = z.object({
  secretId: SecretRef,
  // Bounded here; the IAM grammar (no wildcards, at most 700 characters) is checked by the step, which refuses with a
  // QuarantineRefusedError the workflow turns into an escalation.
  principal: z.string().check(z.minLength(1), z.maxLength(8192)),
  requestedBy: z.optional(z.string().check(z.maxLength(256))),
});
type QuarantineInput = z.infer<typeof QuarantineInput>;

export {
  AssessInput,
  DetectSpikesInput,
  QuarantineInput,
  ReadAnomalyHandledDetail,
  ReadEvent,
  ReadIdentity,
  ReadRecord,
  ReadSpikeDetectedDetail,
  Remediation,
  ResponsePolicy,
  Severity,
  SlackAlertInput,
};

// The read-spike area's boundaries: the log-file notices and CloudTrail reads ingest-reads consumes, the events the
// area emits and consumes, and each step's input. Zod only (the dispatcher imports this file); types from z.infer.
import * as z from 'zod/mini';
import { EventBridgeEvent, SecretRef } from '../shared/schemas.ts';

// --- CloudTrail log files on the read-log-files queue (ingest-reads) ------------------------------------------------

/**
 * S3's `Object Created` event for a log file CloudTrail wrote into the trail bucket, as the read-log-files rule puts it
 * on the queue (EventBridge notifications of the bucket). Only the bucket and key are used: the file itself is read
 * from S3, never taken from the event.
 */
const LogFileCreated = z.extend(EventBridgeEvent, {
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(3), z.maxLength(63)) }),
    // S3 keys are at most 1,024 bytes; URL-encoded in the event, up to three times that.
    object: z.object({
      key: z.string().check(z.minLength(1), z.maxLength(3072)),
      size: z.optional(z.number().check(z.nonnegative())),
    }),
  }),
});
type LogFileCreated = z.infer<typeof LogFileCreated>;

// A read in a log file: the bare CloudTrail record (the object EventBridge would carry as `detail`). Only the fields
// counted are kept: a narrow schema parses faster and cannot carry anything else along.

const ReadIdentity = z.object({
  type: z.optional(z.string().check(z.maxLength(64))),
  arn: z.optional(z.string().check(z.maxLength(2048))),
  principalId: z.optional(z.string().check(z.maxLength(512))),
  accessKeyId: z.optional(z.string().check(z.maxLength(128))),
  invokedBy: z.optional(z.string().check(z.maxLength(256))),
});
type ReadIdentity = z.infer<typeof ReadIdentity>;

/** A GetSecretValue record of Secrets Manager, as CloudTrail writes it into a log file. */
const CloudTrailRead = z.object({
  eventSource: z.literal('secretsmanager.amazonaws.com'),
  eventName: z.literal('GetSecretValue'),
  eventID: z.string().check(z.minLength(1), z.maxLength(128)),
  eventTime: z.string().check(z.minLength(1), z.maxLength(64)),
  awsRegion: z.string().check(z.maxLength(64)),
  sourceIPAddress: z.optional(z.string().check(z.maxLength(256))),
  userAgent: z.optional(z.string().check(z.maxLength(1024))),
  userIdentity: ReadIdentity,
  requestParameters: z.optional(
    z.nullable(z.object({ secretId: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))) })),
  ),
});
type CloudTrailRead = z.infer<typeof CloudTrailRead>;

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
  CloudTrailRead,
  DetectSpikesInput,
  LogFileCreated,
  QuarantineInput,
  ReadAnomalyHandledDetail,
  ReadIdentity,
  ReadSpikeDetectedDetail,
  Remediation,
  ResponsePolicy,
  Severity,
  SlackAlertInput,
};

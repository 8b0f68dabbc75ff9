// What the read-anomaly-response workflow decides, as pure functions: severity, the remediation policy, whom to act
// on, and the notification text. Ids, counts and names only: a notification never carries a value.
import {
  type ReadSpikeDetectedDetail,
  Remediation as RemediationValues,
  ResponsePolicy,
  Severity as SeverityValues,
} from '../schemas.ts';
import { canQuarantine, quarantineRefusal } from './quarantine.ts';

// The value sets are the event schemas' (Read Anomaly Handled reports them).
const Severity = SeverityValues.def.entries;
type Severity = (typeof Severity)[keyof typeof Severity];

const Remediation = RemediationValues.def.entries;
type Remediation = (typeof Remediation)[keyof typeof Remediation];

/** The tag a secret's owner sets to choose the response; the stage default applies without it. */
const RESPONSE_TAG = 'smcp:anomaly-response';
const APPROVAL_TAG = 'smcp:approval';

interface Suspect {
  readonly principal: string;
  readonly accessKeyId?: string;
  readonly count: number;
}

/** The spike as the workflow received it. */
type Spike = ReadSpikeDetectedDetail;

/**
 * Severity from how far the window stands above normal and how sure the detector is: a 20× burst is high whatever
 * the score, a detector score of 0.6 (well past its 0.4 threshold) is high whatever the ratio.
 */
const severityOf = (spike: Spike): Severity => {
  const ratio = spike.observed / Math.max(spike.expected, 1);
  if (ratio >= 20 || spike.score >= 0.6) return Severity.high;
  if (ratio >= 5 || spike.score >= 0.5) return Severity.medium;
  return Severity.low;
};

const isPolicy = (value: string | undefined): value is ResponsePolicy => ResponsePolicy.safeParse(value).success;

/** smcp:approval on the secret (required | none), else the stage's approvalDefault. */
const approvalRequiredBy = (tags: Readonly<Record<string, string>>, stageDefault: string): boolean =>
  (tags[APPROVAL_TAG] ?? stageDefault).trim().toLowerCase() !== 'none';

/** The tag wins over the stage default; an unknown tag value falls back to the default (and says so). */
const policyOf = (
  tags: Readonly<Record<string, string>>,
  stageDefault: string,
): { policy: ResponsePolicy; source: 'tag' | 'stage'; ignoredTag?: string } => {
  const tag = tags[RESPONSE_TAG]?.trim().toLowerCase();
  const fallback = isPolicy(stageDefault) ? stageDefault : 'none';
  if (isPolicy(tag)) return { policy: tag, source: 'tag' };
  return { policy: fallback, source: 'stage', ...(tag === undefined ? {} : { ignoredTag: tag }) };
};

/**
 * The remediation to run: quarantine needs a principal a resource policy can name, otherwise a human decides. A
 * quarantine that needs approval stays a quarantine: the workflow waits for an approver before applying it.
 */
const remediationOf = (
  policy: ResponsePolicy,
  suspect: Suspect | undefined,
  approvalRequired = false,
): { remediation: Remediation; reason: string } => {
  // A rotation goes through the rotation workflow, which applies the secret's approval policy itself.
  if (policy !== 'quarantine') return { remediation: policy, reason: `policy is ${policy}` };
  // Checked before approval: nobody should be asked to approve what would be refused anyway.
  if (!suspect) return { remediation: Remediation.escalate, reason: 'no principal read in the window' };
  // A resource policy can deny users, roles and role sessions named exactly; denying the account root (or a
  // service, or a wildcard) would lock out far more than the suspect, so such a suspect goes to a human instead.
  const refusal = quarantineRefusal(suspect.principal);
  if (refusal) return { remediation: Remediation.escalate, reason: refusal };
  const reason = `top reader ${suspect.principal}`;
  return { remediation: Remediation.quarantine, reason: approvalRequired ? `${reason}, once approved` : reason };
};

const notificationOf = (input: {
  spike: Spike;
  severity: Severity;
  remediation: Remediation;
  reason: string;
  /** What the read counters say about the spike (domain/evidence.ts). */
  evidence?: string;
  topPrincipals: readonly Suspect[];
  sourceIps: readonly string[];
  regions: readonly string[];
}): { subject: string; message: string } => {
  const { spike, severity, remediation } = input;
  const name = spike.secretId.split(':secret:')[1] ?? spike.secretId;
  const who = input.topPrincipals
    .map((p) => `  ${p.count} × ${p.principal}${p.accessKeyId ? ` (key ${p.accessKeyId})` : ''}`)
    .join('\n');
  return {
    // SNS subjects: at most 100 characters, ASCII.
    subject: `[smcp] ${severity} read spike on ${name}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
    message: [
      `Read spike on ${spike.secretId}`,
      `Window: ${spike.windowStart} – ${spike.windowEnd}`,
      `Reads: ${spike.observed} (expected about ${spike.expected}); detector score ${spike.score}`,
      ...(input.evidence ? [`Evidence: ${input.evidence}`] : []),
      `Severity: ${severity}`,
      'Top readers:',
      who || '  (none recorded)',
      `Source IPs: ${input.sourceIps.join(', ') || 'none recorded'}`,
      `Regions: ${input.regions.join(', ') || 'none recorded'}`,
      `Response: ${remediation} (${input.reason})`,
    ].join('\n'),
  };
};

export type { Spike, Suspect };
export {
  APPROVAL_TAG,
  approvalRequiredBy,
  canQuarantine,
  notificationOf,
  policyOf,
  RESPONSE_TAG,
  Remediation,
  remediationOf,
  Severity,
  severityOf,
};

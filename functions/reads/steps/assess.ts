// Assess The Spike, the read-anomaly-response workflow's first step: whether the read counters show the spike (the
// event is only a claim: domain/evidence.ts), who read in the window (from the counters, not from the event), the
// secret's tags, the severity, which remediation the secret's policy asks for, and the notification. A spike the
// counters do not show is escalated to a human, never remediated. The rest of the workflow is the state machine.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Counters } from '../adapters/counters.ts';
import type { SecretPolicies } from '../adapters/secrets.ts';
import { evidenceRange, spikeEvidence } from '../domain/evidence.ts';
import {
  approvalRequiredBy,
  notificationOf,
  policyOf,
  Remediation,
  remediationOf,
  type Spike,
  severityOf,
} from '../domain/response.ts';
import type { AssessInput } from '../schemas.ts';
import { describeReaders } from './readers.ts';

interface AssessDeps {
  readonly counters: Counters;
  readonly secrets: Pick<SecretPolicies, 'tags'>;
  readonly logger: Logger;
  /** Stage default when the secret has no smcp:anomaly-response tag: none | rotate | quarantine. */
  readonly defaultPolicy: string;
  /** Stage default when the secret has no smcp:approval tag: required | none. */
  readonly approvalDefault: string;
  readonly topN?: number;
}

const createAssess = ({ counters, secrets, logger, defaultPolicy, approvalDefault, topN = 5 }: AssessDeps) => {
  return async (input: AssessInput) => {
    const claim = input.detail;
    const from = Date.parse(claim.windowStart);
    // The window's last minute starts a minute before its end.
    const to = Math.max(from, Date.parse(claim.windowEnd) - 60_000);
    const range = evidenceRange(claim.windowStart, claim.windowEnd);
    const [readers, tags, counts] = await Promise.all([
      describeReaders(counters, input.secretId, from, to, topN),
      secrets.tags(input.secretId),
      range ? counters.bucketCounts(input.secretId, range.from, range.to) : new Map<number, number>(),
    ]);
    const evidence = spikeEvidence({ ...claim, counts, claimed: claim.observed });
    // The numbers everything below uses are the counters', not the event's; the detector's score stays (it only
    // moves the severity, never what is done).
    const spike: Spike = {
      ...claim,
      secretId: input.secretId,
      observed: evidence.observed,
      expected: evidence.expected,
    };
    const { topPrincipals, sourceIps, userAgents, regions } = readers;
    const severity = severityOf(spike);
    const policy = policyOf(tags, defaultPolicy);
    const suspect = topPrincipals[0];
    const approvalRequired = approvalRequiredBy(tags, approvalDefault);
    const { remediation, reason } = evidence.confirmed
      ? remediationOf(policy.policy, suspect, approvalRequired)
      : { remediation: Remediation.escalate, reason: evidence.summary };
    const notification = notificationOf({
      spike,
      severity,
      remediation,
      reason,
      evidence: evidence.summary,
      topPrincipals,
      sourceIps,
      regions,
    });
    logger.info('Read spike assessed', {
      secretId: spike.secretId,
      confirmed: evidence.confirmed,
      severity,
      remediation,
      reason,
    });
    return {
      secretId: spike.secretId,
      windowStart: spike.windowStart,
      windowEnd: spike.windowEnd,
      observed: spike.observed,
      expected: spike.expected,
      score: spike.score,
      confirmed: evidence.confirmed,
      claimedObserved: claim.observed,
      severity,
      policy: policy.policy,
      policySource: policy.source,
      ...(policy.ignoredTag === undefined ? {} : { ignoredTag: policy.ignoredTag }),
      remediation,
      reason,
      approvalRequired,
      suspect: suspect?.principal ?? null,
      topPrincipals,
      sourceIps,
      userAgents,
      regions,
      notification,
    };
  };
};

export type { AssessDeps };
export { createAssess };

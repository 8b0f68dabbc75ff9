// Assess The Spike, the read-anomaly-response workflow's first step: who read in the window (from the counters, not
// from the event), the secret's tags, the severity, which remediation the secret's policy asks for, and the
// notification. The rest of the workflow is the state machine.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Counters } from '../adapters/counters.ts';
import type { SecretPolicies } from '../adapters/secrets.ts';
import {
  approvalRequiredBy,
  notificationOf,
  policyOf,
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
    const spike: Spike = { ...input.detail, secretId: input.secretId };
    const from = Date.parse(spike.windowStart);
    // The window's last minute starts a minute before its end.
    const to = Math.max(from, Date.parse(spike.windowEnd) - 60_000);
    const [readers, tags] = await Promise.all([
      describeReaders(counters, spike.secretId, from, to, topN),
      secrets.tags(spike.secretId),
    ]);
    const { topPrincipals, sourceIps, userAgents, regions } = readers;
    const severity = severityOf(spike);
    const policy = policyOf(tags, defaultPolicy);
    const suspect = topPrincipals[0];
    const approvalRequired = approvalRequiredBy(tags, approvalDefault);
    const { remediation, reason } = remediationOf(policy.policy, suspect, approvalRequired);
    const notification = notificationOf({ spike, severity, remediation, reason, topPrincipals, sourceIps, regions });
    logger.info('Read spike assessed', { secretId: spike.secretId, severity, remediation, reason });
    return {
      secretId: spike.secretId,
      windowStart: spike.windowStart,
      windowEnd: spike.windowEnd,
      observed: spike.observed,
      expected: spike.expected,
      score: spike.score,
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

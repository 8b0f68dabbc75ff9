// The steps of the read-anomaly-response workflow that need AWS: assess (who read, severity, which remediation the
// secret's policy asks for, the notification) and quarantine (the Deny statement). The rest is the state machine.
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { Counters } from './adapters/counters.ts';
import type { SecretPolicies } from './adapters/secrets.ts';
import { addQuarantine } from './domain/quarantine.ts';
import {
  approvalRequiredBy,
  canQuarantine,
  notificationOf,
  policyOf,
  remediationOf,
  type Spike,
  severityOf,
} from './domain/response.ts';
import { QuarantineRefusedError } from './errors.ts';
import { describeReaders } from './readers.ts';

/** The workflow's input as dispatch starts it: the validated `Read Spike Detected` detail. */
const AssessInput = z.object({
  secretId: z.string().min(1),
  detail: z.object({
    secretId: z.string().min(1),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    observed: z.number().nonnegative(),
    expected: z.number().nonnegative(),
    score: z.number(),
  }),
});
type AssessInput = z.infer<typeof AssessInput>;

const QuarantineInput = z.object({
  secretId: z.string().min(1),
  principal: z.string().min(1),
  requestedBy: z.string().max(256).optional(),
});
type QuarantineInput = z.infer<typeof QuarantineInput>;

interface RespondDeps {
  readonly counters: Counters;
  readonly secrets: SecretPolicies;
  readonly logger: Logger;
  /** Stage default when the secret has no smcp:anomaly-response tag: none | rotate | quarantine. */
  readonly defaultPolicy: string;
  /** Stage default when the secret has no smcp:approval tag: required | none. */
  readonly approvalDefault: string;
  readonly topN?: number;
}

const createAssess = ({ counters, secrets, logger, defaultPolicy, approvalDefault, topN = 5 }: RespondDeps) => {
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

const createQuarantine = ({ secrets, logger }: Pick<RespondDeps, 'secrets' | 'logger'>) => {
  return async (input: QuarantineInput) => {
    if (!canQuarantine(input.principal)) {
      throw new QuarantineRefusedError(`${input.principal} cannot be named in a resource policy Deny safely`);
    }
    const current = await secrets.getPolicy(input.secretId);
    await secrets.putPolicy(input.secretId, addQuarantine(current, input.principal));
    logger.warn('Principal quarantined', { secretId: input.secretId, principal: input.principal });
    return { secretId: input.secretId, quarantined: input.principal, hadPolicy: current !== undefined };
  };
};

export type { RespondDeps };
export { AssessInput, createAssess, createQuarantine, QuarantineInput };

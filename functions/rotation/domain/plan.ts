// The rotation plan: which strategy, whether a human approves, and the ids every later step works from. Pure: the
// plan step reads the secret's tags and labels and hands them in.
import { createHash } from 'node:crypto';
import { StrategyConfigError } from '../errors.ts';

const TAGS = { rotation: 'smcp:rotation', strategy: 'smcp:strategy', approval: 'smcp:approval' } as const;
const APPROVAL = { required: 'required', none: 'none' } as const;
type ApprovalPolicy = (typeof APPROVAL)[keyof typeof APPROVAL];

// Requests without a requester (a schedule, another workflow) are the control plane's own: a human still approves
// them when policy asks, and no approver can be "smcp", so self-approval stays impossible.
const SYSTEM_REQUESTER = 'smcp';

interface PlanInput {
  readonly secretArn: string;
  readonly tags: Readonly<Record<string, string>>;
  /** DescribeSecret's VersionIdsToStages. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  /** The stage default (serverless.yml param approvalDefault) for secrets without an smcp:approval tag. */
  readonly approvalDefault: string;
  readonly executionArn: string;
  readonly knownStrategies: readonly string[];
  readonly requestedBy?: string | undefined;
  /** The requester's AWS principal ARN, when the request knew it (`smcp rotate`'s caller identity). */
  readonly requestedByPrincipal?: string | undefined;
  readonly reason?: string | undefined;
  readonly requestId?: string | undefined;
}

interface Plan {
  readonly enabled: boolean;
  /** Why the rotation does not run (only when enabled is false). */
  readonly skipReason?: string;
  readonly secretArn: string;
  readonly strategy: string;
  readonly approval: ApprovalPolicy;
  /** The ClientRequestToken: the version id AWSPENDING gets. Derived from the execution, so a retried step reuses it. */
  readonly token: string;
  /** AWSCURRENT when the rotation starts: what a revert or roll back restores. */
  readonly priorVersionId: string;
  readonly requestedBy: string;
  /** '' when unknown: Wait For Approval names the field on every path, and a JSONPath Parameter needs it present. */
  readonly requestedByPrincipal: string;
  readonly reason: string;
  readonly requestId?: string;
}

/** A UUID-shaped digest of the execution ARN: stable across retries, unique per execution. */
const rotationToken = (executionArn: string): string => {
  const hex = createHash('sha256').update(`smcp-rotation:${executionArn}`).digest('hex');
  // Version 4 and RFC 4122 variant bits, so validators that expect a UUID accept it.
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const isApprovalPolicy = (value: string): value is ApprovalPolicy =>
  value === APPROVAL.required || value === APPROVAL.none;

const approvalFor = (tags: PlanInput['tags'], stageDefault: string): ApprovalPolicy => {
  const tagged = tags[TAGS.approval]?.trim().toLowerCase();
  const chosen = tagged ?? stageDefault.trim().toLowerCase();
  // An unreadable policy asks a human: failing closed costs a click, failing open a silent credential change.
  return isApprovalPolicy(chosen) ? chosen : APPROVAL.required;
};

const holderOf = (versions: PlanInput['versions'], stage: string) =>
  Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];

const planRotation = (input: PlanInput): Plan => {
  const strategy = input.tags[TAGS.strategy]?.trim() ?? '';
  const priorVersionId = holderOf(input.versions, 'AWSCURRENT');
  const base = {
    secretArn: input.secretArn,
    strategy,
    approval: approvalFor(input.tags, input.approvalDefault),
    token: rotationToken(input.executionArn),
    priorVersionId: priorVersionId ?? '',
    requestedBy: input.requestedBy?.trim() || SYSTEM_REQUESTER,
    requestedByPrincipal: input.requestedByPrincipal?.trim() ?? '',
    reason: input.reason?.trim() || 'not given',
    ...(input.requestId ? { requestId: input.requestId } : {}),
  };
  if (input.tags[TAGS.rotation]?.trim().toLowerCase() === 'off') {
    return { ...base, enabled: false, skipReason: `the secret is tagged ${TAGS.rotation}=off` };
  }
  if (strategy === '') {
    throw new StrategyConfigError(`Secret ${input.secretArn} has no ${TAGS.strategy} tag; tag it with a strategy`);
  }
  if (!input.knownStrategies.includes(strategy)) {
    throw new StrategyConfigError(
      `Secret ${input.secretArn} names the unknown strategy "${strategy}"; known: ${input.knownStrategies.join(', ')}`,
    );
  }
  if (!priorVersionId) throw new StrategyConfigError(`Secret ${input.secretArn} has no AWSCURRENT version to rotate`);
  return { ...base, enabled: true };
};

export type { ApprovalPolicy, Plan, PlanInput };
export { APPROVAL, planRotation, rotationToken, SYSTEM_REQUESTER, TAGS };

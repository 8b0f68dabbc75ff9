// The tags the cleanup reads and writes (docs/cleanup.md). Values are compared trimmed and lower-cased, so `Exempt`
// exempts too: a typo in a safety tag must err on the side of keeping the secret.
const CleanupTag = {
  /** `exempt`: never a candidate. */
  exempt: 'smcp:cleanup',
  /** `allow`: the cleanup may remove the secret's replicas (at once, no recovery) before deleting it. */
  replicas: 'smcp:cleanup-replicas',
  /** Set by the cleanup: the UTC day the secret was marked as a candidate (`YYYY-MM-DD`). */
  marked: 'smcp:cleanup-marked',
  /** Who is told when the secret is marked or scheduled for deletion (SNS message attribute `owner`). */
  owner: 'smcp:owner',
  /** `required` | `none`: whether deleting needs a human approval (over the stage's approvalDefault). */
  approval: 'smcp:approval',
} as const;

const tagIs = (tags: Readonly<Record<string, string>>, key: string, value: string): boolean =>
  tags[key]?.trim().toLowerCase() === value;

/** The tag wins over the stage default; anything but `none` (a typo included) asks for an approval. */
const approvalRequired = (tags: Readonly<Record<string, string>>, stageDefault: string): boolean =>
  (tags[CleanupTag.approval] ?? stageDefault).trim().toLowerCase() !== 'none';

export { approvalRequired, CleanupTag, tagIs };

// Why a replica failed, from the StatusMessage DescribeSecret reports for it. AWS documents the causes (the replication
// troubleshooting guide), not the exact wording, so the classifier looks for what each cause must mention: a name that
// already exists; a KMS key that is missing, disabled (or pending deletion) or that the caller may not use; a Region that
// is not enabled. Anything else — a network error, an internal error, an empty message — is transient: worth a bounded
// retry, and escalated when the retries are spent. Table-tested with AWS's documented wording and the local cloud's.

const FAILURE_CLASSES = {
  nameConflict: 'name-conflict',
  kmsKeyMissing: 'kms-key-missing',
  kmsKeyDisabled: 'kms-key-disabled',
  kmsKeyDenied: 'kms-key-denied',
  regionNotEnabled: 'region-not-enabled',
  transient: 'transient',
} as const;

type FailureClass = (typeof FAILURE_CLASSES)[keyof typeof FAILURE_CLASSES];

const KMS_CLASSES: ReadonlySet<FailureClass> = new Set([
  FAILURE_CLASSES.kmsKeyMissing,
  FAILURE_CLASSES.kmsKeyDisabled,
  FAILURE_CLASSES.kmsKeyDenied,
]);

const isKmsClass = (failure: FailureClass) => KMS_CLASSES.has(failure);

// Order matters: the first rule that matches wins, and each rule names its subject (a name, a key, a Region).
const RULES: readonly (readonly [RegExp, FailureClass])[] = [
  // "Secret with this name already exists in this region" (API reference), "A secret with the same name exists in the
  // selected Region" (troubleshooting guide), ResourceExistsException.
  [/already exists|same name exists|name conflict|ResourceExists/i, FAILURE_CLASSES.nameConflict],
  [
    /\b(kms|key)\b.*(not authorized|access ?denied|permission|no resource-based policy|not allowed)|(not authorized|access ?denied|no permissions?|not allowed).*\b(kms|key)\b/i,
    FAILURE_CLASSES.kmsKeyDenied,
  ],
  [
    /\b(kms|key|alias)\b.*(disabled|pending deletion|pending import|unavailable|invalid ?state)|DisabledException|KMSInvalidState/i,
    FAILURE_CLASSES.kmsKeyDisabled,
  ],
  [
    /\b(kms|key|alias)\b.*(not found|does not exist|doesn't exist|no such)|NotFoundException/i,
    FAILURE_CLASSES.kmsKeyMissing,
  ],
  // The local cloud's generic KMS fault ("disabled, pending deletion or not accessible") and KMS's "not accessible".
  [/\bkms\b.*not accessible/i, FAILURE_CLASSES.kmsKeyDisabled],
  // After the KMS rules: a KMS message may name the region its key is in.
  [
    /\b(region|opt-?in)\b.*\b(not enabled|isn't enabled|disabled|not opted|opted out)|not enabled.*\bregion\b|opt-?in region/i,
    FAILURE_CLASSES.regionNotEnabled,
  ],
];

/** The class of a failed replica's StatusMessage; transient when nothing more specific is said. */
const classify = (statusMessage: string | undefined): FailureClass => {
  const message = statusMessage ?? '';
  for (const [pattern, failure] of RULES) if (pattern.test(message)) return failure;
  return FAILURE_CLASSES.transient;
};

export type { FailureClass };
export { classify, FAILURE_CLASSES, isKmsClass };

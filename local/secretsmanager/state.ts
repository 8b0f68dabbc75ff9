// The emulator's whole state: plain JSON so snapshot/restore can persist it in the data directory.

interface VersionRecord {
  readonly versionId: string;
  /** Absent while rotation has created the AWSPENDING stub and the lambda has not put a value yet. */
  secretString?: string;
  /** Base64, exactly as the JSON protocol carries blobs. */
  secretBinary?: string;
  stages: string[];
  readonly createdDate: string;
  /** Midnight UTC of the day the version was last read (AWS truncates to the day). */
  lastAccessedDate?: string;
}

type ReplicaStatus = 'InSync' | 'Failed' | 'InProgress';

interface ReplicaRecord {
  readonly region: string;
  kmsKeyId: string;
  status: ReplicaStatus;
  statusMessage: string;
  /** Replication settles on the first call at or after this instant (tests advance the clock). */
  settlesAt: string;
  /** ForceOverwriteReplicaSecret was set: a name conflict in the region is overwritten, not a failure. */
  forceOverwrite: boolean;
}

interface RotationRecord {
  lambdaArn?: string;
  rules?: Record<string, unknown>;
  enabled: boolean;
  lastRotatedDate?: string;
  nextRotationDate?: string;
  /** The ClientRequestToken of the rotation the fake lambda is running, while it runs. */
  inProgressToken?: string;
}

interface SecretRecord {
  readonly name: string;
  readonly primaryRegion: string;
  /** The 6-character suffix AWS appends to the name in the ARN; the same in every region. */
  readonly suffix: string;
  description?: string;
  kmsKeyId?: string;
  readonly createdDate: string;
  lastChangedDate: string;
  /** Per region: the primary's region and each replica's region read independently. */
  lastAccessedDate: Record<string, string>;
  deletedDate?: string;
  /** When the clock passes it, the secret is deleted for good. */
  deletionDate?: string;
  tags: { Key: string; Value: string }[];
  policy?: string;
  rotation?: RotationRecord;
  /** Insertion order is creation order, which ListSecretVersionIds and pruning rely on. */
  versions: VersionRecord[];
  replicas: Record<string, ReplicaRecord>;
}

/**
 * What an injected replica failure stands for (docs/local-cloud.md, "Replica faults"): a name conflict in the region,
 * a KMS key problem (`kms-key` is the generic "disabled, pending deletion or not accessible"; the others name one
 * documented cause each), or a network error (`transient`).
 */
type ReplicaFailureKind =
  | 'name-conflict'
  | 'kms-key'
  | 'kms-key-disabled'
  | 'kms-key-not-found'
  | 'kms-access-denied'
  | 'transient';

interface ReplicaFailure {
  readonly kind: ReplicaFailureKind;
  /** A KMS failure follows the key: replicating again with another key (the repair) succeeds. */
  readonly kmsKeyId?: string;
  /** How many more replications into the region it fails; absent: every one until cleared. */
  remaining?: number;
}

interface State {
  readonly format: 1;
  /** Keyed by primary ARN. */
  secrets: Record<string, SecretRecord>;
  /** `<primary ARN>|<region>` → the failure the next (or current) replication into that region hits. */
  replicaFailures: Record<string, ReplicaFailure>;
  /** Opt-in Regions the account has not enabled: replication into them fails. Absent: every Region is enabled. */
  regionsNotEnabled?: string[];
  /**
   * The shared per-Region quota of the write APIs (PutSecretValue, ReplicateSecretToRegions, …), in calls per second
   * on the local clock; absent: unlimited.
   */
  writeQuotaPerSecond?: number;
}

const createState = (): State => ({ format: 1, secrets: {}, replicaFailures: {} });

const isState = (value: unknown): value is State =>
  typeof value === 'object' &&
  value !== null &&
  (value as { format?: unknown }).format === 1 &&
  typeof (value as { secrets?: unknown }).secrets === 'object' &&
  typeof (value as { replicaFailures?: unknown }).replicaFailures === 'object';

export type {
  ReplicaFailure,
  ReplicaFailureKind,
  ReplicaRecord,
  ReplicaStatus,
  RotationRecord,
  SecretRecord,
  State,
  VersionRecord,
};
export { createState, isState };

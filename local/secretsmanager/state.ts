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

type ReplicaFailureKind = 'name-conflict' | 'kms-key';

interface ReplicaFailure {
  readonly kind: ReplicaFailureKind;
  /** A KMS failure follows the key: replicating again with another key (the repair) succeeds. */
  readonly kmsKeyId?: string;
}

interface State {
  readonly format: 1;
  /** Keyed by primary ARN. */
  secrets: Record<string, SecretRecord>;
  /** `<primary ARN>|<region>` → the failure the next (or current) replication into that region hits. */
  replicaFailures: Record<string, ReplicaFailure>;
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

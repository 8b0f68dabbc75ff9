// Multi-region replication: a replica starts InProgress and settles on the clock to InSync, or to Failed when the
// region has a secret of the same name (unless ForceOverwriteReplicaSecret), the region is not enabled (opt-in), or an
// injected fault says so (a KMS key problem, a network error), with the StatusMessage AWS gives for that cause.
// Injected faults can clear after a number of replications, so a retrying repair can be tested.
import { LOCAL_ACCOUNT } from '../protocol.ts';
import { type Core, iso } from './core.ts';
import { dueBy } from './due.ts';
import { serviceEvent } from './events.ts';
import { copiesIn, DEFAULT_KMS_KEY, secretArn } from './lookup.ts';
import type { ReplicaFailure, ReplicaFailureKind, ReplicaRecord, ReplicaStatus, SecretRecord, State } from './state.ts';

const failureKey = (secret: SecretRecord, region: string) => `${secretArn(secret, secret.primaryRegion)}|${region}`;

/** A key id as KMS quotes it in its messages: aliases and key ids become ARNs in the replica's region. */
const kmsArn = (keyId: string, region: string) =>
  keyId.startsWith('arn:')
    ? keyId
    : `arn:aws:kms:${region}:${LOCAL_ACCOUNT}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;

// What DescribeSecret's StatusMessage says, per cause. AWS documents "Secret with this name already exists in this
// region" and "Replication succeeded"; the KMS and network failures carry the KMS or transport error the replication
// hit, worded as AWS services quote their dependencies' errors. The replica-repair classifier is table-tested with
// these and with AWS's documented wording (test/replicas/classify.test.ts).
const statusMessage = {
  inProgress: 'Replication in progress',
  inSync: 'Replication succeeded',
  nameConflict: (name: string, region: string) =>
    `Replication failed: Secret name ${name} already exists in region ${region}.`,
  kmsKey: (keyId: string, region: string) =>
    `Replication failed: The KMS key ${keyId} is disabled, pending deletion or not accessible in region ${region}.`,
  kmsKeyDisabled: (keyId: string, region: string) =>
    `Replication failed: ${kmsArn(keyId, region)} is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException)`,
  kmsKeyNotFound: (keyId: string, region: string) =>
    keyId.startsWith('alias/')
      ? `Replication failed: Alias ${kmsArn(keyId, region)} is not found. (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException)`
      : `Replication failed: Key '${kmsArn(keyId, region)}' does not exist (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException)`,
  kmsAccessDenied: (keyId: string, region: string) =>
    `Replication failed: User: arn:aws:iam::${LOCAL_ACCOUNT}:root is not authorized to perform: kms:GenerateDataKey on resource: ${kmsArn(keyId, region)} because no resource-based policy allows the kms:GenerateDataKey action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)`,
  regionNotEnabled: (region: string) =>
    `Replication failed: The Region ${region} is not enabled for this account. Enable the opt-in Region, then retry replication.`,
  transient: (region: string) =>
    `Replication failed: A network error occurred while replicating the secret to region ${region}. Retry replication.`,
} as const;

const KMS_KINDS: ReadonlySet<ReplicaFailureKind> = new Set([
  'kms-key',
  'kms-key-disabled',
  'kms-key-not-found',
  'kms-access-denied',
]);

/** The StatusMessage of an injected failure of `kind` for a replica with `kmsKeyId` in `region`. */
const messageFor = (kind: ReplicaFailureKind, secret: SecretRecord, region: string, kmsKeyId: string): string => {
  switch (kind) {
    case 'name-conflict':
      return statusMessage.nameConflict(secret.name, region);
    case 'kms-key':
      return statusMessage.kmsKey(kmsKeyId, region);
    case 'kms-key-disabled':
      return statusMessage.kmsKeyDisabled(kmsKeyId, region);
    case 'kms-key-not-found':
      return statusMessage.kmsKeyNotFound(kmsKeyId, region);
    case 'kms-access-denied':
      return statusMessage.kmsAccessDenied(kmsKeyId, region);
    case 'transient':
      return statusMessage.transient(region);
  }
};

const conflictingCopy = (state: State, secret: SecretRecord, region: string) =>
  copiesIn(state, region).find((c) => c.secret !== secret && c.secret.name === secret.name);

/** Whether an injected fault applies to the replica as it is now (a KMS fault only to the key it names). */
const applies = (injected: ReplicaFailure | undefined, kmsKeyId: string): injected is ReplicaFailure => {
  if (!injected || injected.remaining === 0) return false;
  return !KMS_KINDS.has(injected.kind) || (injected.kmsKeyId ?? DEFAULT_KMS_KEY) === kmsKeyId;
};

interface Failure {
  readonly message: string;
  /** The injected fault it came from, which counts down. */
  readonly fault?: ReplicaFailure;
}

const failureOf = (state: State, secret: SecretRecord, region: string): Failure | undefined => {
  const replica = secret.replicas[region];
  if (!replica) return undefined;
  if (state.regionsNotEnabled?.includes(region)) return { message: statusMessage.regionNotEnabled(region) };
  const injected = state.replicaFailures[failureKey(secret, region)];
  if (applies(injected, replica.kmsKeyId) && injected.kind !== 'name-conflict') {
    return { message: messageFor(injected.kind, secret, region, replica.kmsKeyId), fault: injected };
  }
  const injectedConflict = applies(injected, replica.kmsKeyId) && injected.kind === 'name-conflict';
  const conflict = injectedConflict || conflictingCopy(state, secret, region) !== undefined;
  if (conflict && !replica.forceOverwrite) {
    return {
      message: statusMessage.nameConflict(secret.name, region),
      ...(injectedConflict ? { fault: injected } : {}),
    };
  }
  return undefined;
};

/** A fault with a count fails that many replications, then clears itself. */
const countDown = (state: State, secret: SecretRecord, region: string, fault: ReplicaFailure | undefined) => {
  if (fault?.remaining === undefined) return;
  fault.remaining -= 1;
  if (fault.remaining <= 0) delete state.replicaFailures[failureKey(secret, region)];
};

const startReplication = (
  core: Core,
  secret: SecretRecord,
  regions: readonly { region: string; kmsKeyId?: string }[],
  forceOverwrite: boolean,
) => {
  for (const { region, kmsKeyId } of regions) {
    secret.replicas[region] = {
      region,
      kmsKeyId: kmsKeyId ?? DEFAULT_KMS_KEY,
      status: 'InProgress',
      statusMessage: statusMessage.inProgress,
      settlesAt: iso(core),
      forceOverwrite,
    };
    dueBy(core, iso(core));
    core.emit(
      serviceEvent({
        eventName: 'ReplicationStarted',
        region: secret.primaryRegion,
        time: core.now(),
        secretArn: secretArn(secret, secret.primaryRegion),
      }),
    );
  }
};

/** Settles replications whose time has come; called before every operation. */
const settleReplicas = (core: Core, time = core.now()) => {
  const now = time.getTime();
  // Runs before every call: walks the state without copying it (most secrets have no replicas).
  for (const key in core.state.secrets) {
    const secret = core.state.secrets[key] as SecretRecord;
    for (const region in secret.replicas) {
      const replica = secret.replicas[region] as ReplicaRecord;
      if (replica.status !== 'InProgress' || Date.parse(replica.settlesAt) > now) continue;
      const failure = failureOf(core.state, secret, replica.region);
      if (!failure && replica.forceOverwrite) {
        const conflict = conflictingCopy(core.state, secret, replica.region);
        // Overwriting replaces the region's standalone secret of the same name.
        if (conflict && !conflict.isReplica) delete core.state.secrets[secretArn(conflict.secret, replica.region)];
      }
      countDown(core.state, secret, replica.region, failure?.fault);
      replica.status = failure ? 'Failed' : 'InSync';
      replica.statusMessage = failure?.message ?? statusMessage.inSync;
      core.emit(
        serviceEvent({
          eventName: failure ? 'ReplicationFailed' : 'ReplicationSucceeded',
          region: secret.primaryRegion,
          time: core.now(),
          secretArn: secretArn(secret, secret.primaryRegion),
          ...(failure ? { errorMessage: failure.message } : {}),
        }),
      );
    }
  }
};

interface InjectOptions {
  /** Fails this many replications into the region (the one in progress included), then clears. */
  readonly times?: number;
  /** For KMS kinds: the key that fails (default: the replica's current key, else the default key). */
  readonly kmsKeyId?: string;
}

/** Fault injection: the replica in `region` fails (now if it exists, else on its next replication). */
const injectFailure = (
  core: Core,
  secret: SecretRecord,
  region: string,
  kind: ReplicaFailureKind,
  options: InjectOptions = {},
) => {
  const replica = secret.replicas[region];
  const kmsKeyId = options.kmsKeyId ?? replica?.kmsKeyId ?? DEFAULT_KMS_KEY;
  const fault: ReplicaFailure = {
    kind,
    ...(KMS_KINDS.has(kind) ? { kmsKeyId } : {}),
    ...(options.times === undefined ? {} : { remaining: options.times }),
  };
  core.state.replicaFailures[failureKey(secret, region)] = fault;
  // A replica that already failed stays so, silently: the fault waits for the next replication.
  if (replica && replica.status === 'InSync' && applies(fault, replica.kmsKeyId)) {
    // An injected conflict fails even a force-overwrite replica that already synced: the fault is the point.
    const message = messageFor(kind, secret, region, replica.kmsKeyId);
    countDown(core.state, secret, region, fault);
    replica.status = 'Failed';
    replica.statusMessage = message;
    core.emit(
      serviceEvent({
        eventName: 'ReplicationFailed',
        region: secret.primaryRegion,
        time: core.now(),
        secretArn: secretArn(secret, secret.primaryRegion),
        errorMessage: message,
      }),
    );
  }
};

const clearFailure = (core: Core, secret: SecretRecord, region: string) => {
  delete core.state.replicaFailures[failureKey(secret, region)];
};

interface Placement {
  readonly region: string;
  readonly status: ReplicaStatus;
  readonly kmsKeyId?: string;
  /** For a Failed replica: which cause its StatusMessage names (default: a network error). */
  readonly cause?: ReplicaFailureKind | 'region-not-enabled';
}

/**
 * Puts a replica in a state directly, without the replication that would lead there and without its service events:
 * a scenario's setup describes the world before its recorded events, and a replica that failed yesterday emits
 * nothing today.
 */
const placeReplica = (core: Core, secret: SecretRecord, placement: Placement) => {
  const { region, status } = placement;
  if (region === secret.primaryRegion) throw new Error(`${region} is the primary's own region`);
  const kmsKeyId = placement.kmsKeyId ?? DEFAULT_KMS_KEY;
  const cause = placement.cause ?? 'transient';
  const message =
    status === 'InSync'
      ? statusMessage.inSync
      : status === 'InProgress'
        ? statusMessage.inProgress
        : cause === 'region-not-enabled'
          ? statusMessage.regionNotEnabled(region)
          : messageFor(cause, secret, region, kmsKeyId);
  secret.replicas[region] = {
    region,
    kmsKeyId,
    status,
    statusMessage: message,
    // An InProgress replica placed here stays so until the clock passes a day (a stuck replication).
    settlesAt: status === 'InProgress' ? new Date(core.now().getTime() + 86_400_000).toISOString() : iso(core),
    forceOverwrite: false,
  };
  if (status === 'InProgress') dueBy(core, secret.replicas[region]?.settlesAt ?? iso(core));
};

export type { InjectOptions, Placement };
export { clearFailure, injectFailure, placeReplica, settleReplicas, startReplication, statusMessage };

// Multi-region replication: a replica starts InProgress and settles on the clock to InSync, or to Failed when the
// region has a secret of the same name (unless ForceOverwriteReplicaSecret) or an injected KMS key problem.
import { type Core, iso } from './core.ts';
import { serviceEvent } from './events.ts';
import { copiesIn, DEFAULT_KMS_KEY, secretArn } from './lookup.ts';
import type { ReplicaFailure, ReplicaFailureKind, ReplicaRecord, SecretRecord, State } from './state.ts';

const failureKey = (secret: SecretRecord, region: string) => `${secretArn(secret, secret.primaryRegion)}|${region}`;

const statusMessage = {
  inProgress: 'Replication in progress',
  inSync: 'Replication succeeded',
  nameConflict: (name: string, region: string) =>
    `Replication failed: Secret name ${name} already exists in region ${region}.`,
  kmsKey: (keyId: string, region: string) =>
    `Replication failed: The KMS key ${keyId} is disabled, pending deletion or not accessible in region ${region}.`,
} as const;

const conflictingCopy = (state: State, secret: SecretRecord, region: string) =>
  copiesIn(state, region).find((c) => c.secret !== secret && c.secret.name === secret.name);

const failureOf = (state: State, secret: SecretRecord, region: string): string | undefined => {
  const replica = secret.replicas[region];
  if (!replica) return undefined;
  const injected: ReplicaFailure | undefined = state.replicaFailures[failureKey(secret, region)];
  if (injected?.kind === 'kms-key' && (injected.kmsKeyId ?? DEFAULT_KMS_KEY) === replica.kmsKeyId) {
    return statusMessage.kmsKey(replica.kmsKeyId, region);
  }
  const conflict = injected?.kind === 'name-conflict' || conflictingCopy(state, secret, region) !== undefined;
  if (conflict && !replica.forceOverwrite) return statusMessage.nameConflict(secret.name, region);
  return undefined;
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
const settleReplicas = (core: Core) => {
  const now = core.now().getTime();
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
      replica.status = failure ? 'Failed' : 'InSync';
      replica.statusMessage = failure ?? statusMessage.inSync;
      core.emit(
        serviceEvent({
          eventName: failure ? 'ReplicationFailed' : 'ReplicationSucceeded',
          region: secret.primaryRegion,
          time: core.now(),
          secretArn: secretArn(secret, secret.primaryRegion),
        }),
      );
    }
  }
};

/** Fault injection: the replica in `region` fails (now if it exists, else on its next replication). */
const injectFailure = (core: Core, secret: SecretRecord, region: string, kind: ReplicaFailureKind) => {
  const replica = secret.replicas[region];
  core.state.replicaFailures[failureKey(secret, region)] =
    kind === 'kms-key' ? { kind, kmsKeyId: replica?.kmsKeyId ?? DEFAULT_KMS_KEY } : { kind };
  if (replica && replica.status !== 'InProgress') {
    // An injected conflict fails even a force-overwrite replica that already synced: the fault is the point.
    const failure =
      kind === 'kms-key'
        ? statusMessage.kmsKey(replica.kmsKeyId, region)
        : statusMessage.nameConflict(secret.name, region);
    replica.status = 'Failed';
    replica.statusMessage = failure;
    core.emit(
      serviceEvent({
        eventName: 'ReplicationFailed',
        region: secret.primaryRegion,
        time: core.now(),
        secretArn: secretArn(secret, secret.primaryRegion),
      }),
    );
  }
};

const clearFailure = (core: Core, secret: SecretRecord, region: string) => {
  delete core.state.replicaFailures[failureKey(secret, region)];
};

export { clearFailure, injectFailure, settleReplicas, startReplication };

// Errors of the replica-repair area. statemachines/replica-repair.asl.yml matches these names: none of them is worth a
// retry (transient AWS failures are TransientAwsError, functions/shared/transient.ts). Messages carry secret ids,
// regions and AWS's own error names, never a secret value.
import { SmcpError } from '../shared/errors.ts';

/** The base of the replica-repair area's errors. */
class ReplicaError extends SmcpError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReplicaError';
  }
}

/** The secret does not exist (any more), or not in this Region. */
class ReplicaSecretNotFoundError extends ReplicaError {
  constructor(secretId: string, options?: ErrorOptions) {
    super(`Secret ${secretId} not found`, options);
    this.name = 'ReplicaSecretNotFoundError';
  }
}

/** Secrets Manager refused a replication call (InvalidParameter, InvalidRequest, …): the same call will not succeed. */
class ReplicationRefusedError extends ReplicaError {
  readonly regions: readonly string[];
  constructor(operation: string, regions: readonly string[], awsError: string, options?: ErrorOptions) {
    super(`${operation} for ${regions.join(', ')} was refused (${awsError})`, options);
    this.name = 'ReplicationRefusedError';
    this.regions = regions;
  }
}

/** A stage setting is malformed (replicaKmsKeys): a deployment mistake that retrying cannot fix. */
class ReplicaConfigurationError extends ReplicaError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReplicaConfigurationError';
  }
}

export { ReplicaConfigurationError, ReplicaError, ReplicaSecretNotFoundError, ReplicationRefusedError };

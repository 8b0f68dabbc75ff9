// Secrets Manager's replication calls for one secret: DescribeSecret (in the primary's region, and in a replica's to
// see which version it serves), RemoveRegionsFromReplication and ReplicateSecretToRegions. Nothing here reads a value.
// SDK errors become the area's: a missing secret, a refused call; throttling and 5xx pass through for step() to
// rename to TransientAwsError (the workflow retries those with backoff).
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ObservedReplica } from '../domain/plan.ts';
import { ReplicaSecretNotFoundError, ReplicationRefusedError } from '../errors.ts';

interface DescribedSecret {
  readonly arn: string;
  readonly name: string;
  /** Set when the secret is replicated (on the primary and on each replica). */
  readonly primaryRegion?: string;
  readonly owningService?: string;
  readonly deleted: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly replicas: readonly ObservedReplica[];
  /** The version AWSCURRENT labels, as this copy of the secret reports it. */
  readonly currentVersionId?: string;
}

interface Replication {
  /** The secret as its primary's region (this client's) describes it. */
  describe(secretId: string): Promise<DescribedSecret>;
  /** The version AWSCURRENT labels in the replica in `region`; undefined when there is no readable replica there. */
  replicaCurrentVersion(secretArn: string, region: string): Promise<string | undefined>;
  remove(secretId: string, regions: readonly string[]): Promise<void>;
  replicate(secretId: string, regions: readonly { region: string; kmsKeyId?: string }[], force: boolean): Promise<void>;
}

const REFUSED = new Set([
  'InvalidParameterException',
  'InvalidRequestException',
  'ResourceExistsException',
  'LimitExceededException',
  'AccessDeniedException',
  'EncryptionFailure',
  'EncryptionFailureException',
]);

const nameOf = (error: unknown) => (error as { name?: string } | null)?.name ?? 'Error';

const currentOf = (out: Pick<DescribeSecretCommandOutput, 'VersionIdsToStages'>) =>
  Object.entries(out.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];

const describedOf = (out: DescribeSecretCommandOutput, secretId: string): DescribedSecret => {
  const tags: Record<string, string> = {};
  for (const { Key, Value } of out.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
  const current = currentOf(out);
  return {
    arn: out.ARN ?? secretId,
    name: out.Name ?? secretId,
    deleted: out.DeletedDate !== undefined,
    tags,
    replicas: (out.ReplicationStatus ?? []).map((r) => ({
      region: r.Region ?? '',
      status: r.Status ?? 'InProgress',
      ...(r.KmsKeyId ? { kmsKeyId: r.KmsKeyId } : {}),
      ...(r.StatusMessage ? { statusMessage: r.StatusMessage } : {}),
    })),
    ...(out.PrimaryRegion ? { primaryRegion: out.PrimaryRegion } : {}),
    ...(out.OwningService ? { owningService: out.OwningService } : {}),
    ...(current ? { currentVersionId: current } : {}),
  };
};

const createReplication = ({
  client,
  clientIn,
}: {
  /** A client in the primary's region (the stack's own). */
  client: SecretsManagerClient;
  /** A client in another region, for looking at a replica there. */
  clientIn: (region: string) => SecretsManagerClient;
}): Replication => {
  const refused = (operation: string, regions: readonly string[], secretId: string) => (error: unknown) => {
    if (nameOf(error) === 'ResourceNotFoundException') throw new ReplicaSecretNotFoundError(secretId, { cause: error });
    if (REFUSED.has(nameOf(error)))
      throw new ReplicationRefusedError(operation, regions, nameOf(error), { cause: error });
    throw error;
  };
  return {
    async describe(secretId) {
      try {
        return describedOf(await client.send(new DescribeSecretCommand({ SecretId: secretId })), secretId);
      } catch (error) {
        if (nameOf(error) === 'ResourceNotFoundException')
          throw new ReplicaSecretNotFoundError(secretId, { cause: error });
        throw error;
      }
    },

    async replicaCurrentVersion(secretArn, region) {
      // A replica has the primary's ARN with its own region; DescribeSecret there reports the replica's labels.
      const replicaArn = secretArn.replace(/^(arn:[^:]+:secretsmanager:)[^:]+:/, `$1${region}:`);
      try {
        return currentOf(await clientIn(region).send(new DescribeSecretCommand({ SecretId: replicaArn })));
      } catch (error) {
        if (nameOf(error) === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },

    async remove(secretId, regions) {
      await client
        .send(new RemoveRegionsFromReplicationCommand({ SecretId: secretId, RemoveReplicaRegions: [...regions] }))
        .catch(refused('RemoveRegionsFromReplication', regions, secretId));
    },

    async replicate(secretId, regions, force) {
      await client
        .send(
          new ReplicateSecretToRegionsCommand({
            SecretId: secretId,
            AddReplicaRegions: regions.map(({ region, kmsKeyId }) =>
              kmsKeyId === undefined ? { Region: region } : { Region: region, KmsKeyId: kmsKeyId },
            ),
            ForceOverwriteReplicaSecret: force,
          }),
        )
        .catch(
          refused(
            'ReplicateSecretToRegions',
            regions.map((r) => r.region),
            secretId,
          ),
        );
    },
  };
};

export type { DescribedSecret, Replication };
export { createReplication };

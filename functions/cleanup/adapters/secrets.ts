// The Secrets Manager calls the cleanup makes besides listing (functions/shared/adapters/inventory.ts): describe one
// secret again before deleting it, put or take off its mark, remove its replicas, schedule its deletion. Never a
// value: there is no GetSecretValue here, so the cleanup's own calls never count as a use of the secret. Never
// ForceDeleteWithoutRecovery: every deletion has a recovery window.
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  RemoveRegionsFromReplicationCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Inventoried, ReplicaUse } from '../domain/policy.ts';
import { CleanupTag } from '../domain/tags.ts';
import { CleanupSecretGoneError, DeletionRefusedError } from '../errors.ts';

interface Described {
  readonly secret: Inventoried;
  readonly replicas: readonly ReplicaUse[];
}

interface CleanupSecrets {
  describe(secretId: string): Promise<Described>;
  mark(secretId: string, day: string): Promise<void>;
  unmark(secretId: string): Promise<void>;
  removeReplicas(secretId: string, regions: readonly string[]): Promise<void>;
  /** DeleteSecret with the recovery window; the day Secrets Manager will delete it for good. */
  scheduleDeletion(secretId: string, recoveryDays: number): Promise<{ deletionDate: string }>;
}

const isoOf = (date: Date | undefined) => (date ? new Date(date).toISOString() : undefined);
const nameOf = (error: unknown) => (error as { name?: string } | null)?.name ?? '';

const createCleanupSecrets = ({ client }: { client: SecretsManagerClient }): CleanupSecrets => {
  const gone = (secretId: string) => (error: unknown) => {
    if (nameOf(error) === 'ResourceNotFoundException') throw new CleanupSecretGoneError(secretId, { cause: error });
    throw error;
  };
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId })).catch(gone(secretId));
      const tags: Record<string, string> = {};
      for (const { Key, Value } of out.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
      const optional = {
        createdDate: isoOf(out.CreatedDate),
        lastAccessedDate: isoOf(out.LastAccessedDate),
        deletedDate: isoOf(out.DeletedDate),
        primaryRegion: out.PrimaryRegion,
        owningService: out.OwningService,
      };
      return {
        secret: {
          arn: out.ARN ?? secretId,
          name: out.Name ?? secretId,
          tags,
          ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
        },
        replicas: (out.ReplicationStatus ?? []).map((replica) => ({
          region: replica.Region ?? '',
          ...(replica.LastAccessedDate ? { lastAccessedDate: new Date(replica.LastAccessedDate).toISOString() } : {}),
        })),
      };
    },

    async mark(secretId, day) {
      await client
        .send(new TagResourceCommand({ SecretId: secretId, Tags: [{ Key: CleanupTag.marked, Value: day }] }))
        .catch(gone(secretId));
    },

    async unmark(secretId) {
      await client
        .send(new UntagResourceCommand({ SecretId: secretId, TagKeys: [CleanupTag.marked] }))
        .catch(gone(secretId));
    },

    async removeReplicas(secretId, regions) {
      if (regions.length === 0) return;
      await client
        .send(new RemoveRegionsFromReplicationCommand({ SecretId: secretId, RemoveReplicaRegions: [...regions] }))
        .catch(gone(secretId));
    },

    async scheduleDeletion(secretId, recoveryDays) {
      try {
        const out = await client.send(
          new DeleteSecretCommand({ SecretId: secretId, RecoveryWindowInDays: recoveryDays }),
        );
        return { deletionDate: isoOf(out.DeletionDate) ?? '' };
      } catch (error) {
        gone(secretId)(error);
        const name = nameOf(error);
        if (name === 'InvalidParameterException' || name === 'InvalidRequestException') {
          // The service's message names the secret and the reason (replicas, service-owned), never a value.
          throw new DeletionRefusedError(secretId, (error as Error).message.slice(0, 300), { cause: error });
        }
        throw error;
      }
    },
  };
};

export type { CleanupSecrets, Described };
export { createCleanupSecrets };

// The roll back marker tag (domain/verification.ts ROLLED_BACK_FROM_TAG) on a secret. Only SDK commands and error
// translation live here; the function's IAM role may set this one tag key and no other.
import { type SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError } from '../errors.ts';

interface SecretTags {
  tag(secretId: string, key: string, value: string): Promise<void>;
}

const createSecretTags = ({ client }: { client: SecretsManagerClient }): SecretTags => ({
  async tag(secretId, key, value) {
    try {
      await client.send(new TagResourceCommand({ SecretId: secretId, Tags: [{ Key: key, Value: value }] }));
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'ResourceNotFoundException') {
        throw new SecretNotFoundError(`Secret ${secretId} not found`, { cause: error });
      }
      throw error;
    }
  },
});

export type { SecretTags };
export { createSecretTags };

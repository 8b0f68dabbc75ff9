// The lock key of a secret: its full ARN, as Lock Secret resolved it (functions/rotation/steps/lock.ts).
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface SecretArns {
  /** The secret's ARN, or undefined when Secrets Manager no longer has it. */
  arnOf(secretId: string): Promise<string | undefined>;
}

const createSecretArns = ({ client }: { client: SecretsManagerClient }): SecretArns => ({
  async arnOf(secretId) {
    try {
      return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).ARN;
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  },
});

export type { SecretArns };
export { createSecretArns };

// What the workflow steps (not the strategies) need from Secrets Manager: the secret's ARN, tags and labels, and
// label moves. Only SDK commands and error translation live here.
import {
  DescribeSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { StageMove, Versions } from '../domain/labels.ts';
import { SecretNotFoundError } from '../errors.ts';

interface SecretDescription {
  readonly arn: string;
  readonly tags: Record<string, string>;
  readonly versions: Versions;
}

interface SecretLabels {
  describe(secretId: string): Promise<SecretDescription>;
  move(secretId: string, move: StageMove): Promise<void>;
}

const translate = (error: unknown, secretId: string) =>
  (error as { name?: string } | null)?.name === 'ResourceNotFoundException'
    ? new SecretNotFoundError(`Secret ${secretId} not found`, { cause: error })
    : error;

const createSecretLabels = ({ client }: { client: SecretsManagerClient }): SecretLabels => ({
  async describe(secretId) {
    try {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: out.ARN ?? secretId,
        tags: Object.fromEntries((out.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        versions: out.VersionIdsToStages ?? {},
      };
    } catch (error) {
      throw translate(error, secretId);
    }
  },

  async move(secretId, { stage, moveTo, removeFrom }) {
    try {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          MoveToVersionId: moveTo,
          RemoveFromVersionId: removeFrom,
        }),
      );
    } catch (error) {
      throw translate(error, secretId);
    }
  },
});

export type { SecretDescription, SecretLabels };
export { createSecretLabels };

// What the verification and remediation steps need beyond the rotation's own adapters: the orchestrated rotations
// that ran lately (ListExecutions), and the roll back marker tag. Only SDK commands and error translation live here.
import { type SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RotationExecution } from '../domain/verification.ts';
import { SecretNotFoundError } from '../errors.ts';

interface RotationExecutions {
  /** Running rotations and the most recent ones, newest first (enough to find the one that just moved a label). */
  recent(): Promise<RotationExecution[]>;
}

// One page of each: a label event arrives seconds after the move, while its rotation runs or has just stopped.
const PAGE = 100;

const createRotationExecutions = ({
  sfn,
  stateMachineArn,
}: {
  sfn: SFNClient;
  stateMachineArn: string;
}): RotationExecutions => ({
  async recent() {
    const [running, latest] = await Promise.all([
      sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: PAGE })),
      sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: PAGE })),
    ]);
    const byArn = new Map<string, RotationExecution>();
    for (const e of [...(running.executions ?? []), ...(latest.executions ?? [])]) {
      if (!e.executionArn) continue;
      byArn.set(e.executionArn, {
        executionArn: e.executionArn,
        status: String(e.status ?? ''),
        startDate: e.startDate ? new Date(e.startDate).getTime() : 0,
        ...(e.stopDate ? { stopDate: new Date(e.stopDate).getTime() } : {}),
      });
    }
    return [...byArn.values()];
  },
});

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

export type { RotationExecutions, SecretTags };
export { createRotationExecutions, createSecretTags };

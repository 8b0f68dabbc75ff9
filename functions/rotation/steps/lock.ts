// Lock Secret / Release Lock: one rotation per secret at a time. The lease is keyed by the secret's ARN (a name and an
// ARN of one secret must not get two leases) and owned by the execution, so a retried step renews its own lease.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Locks } from '../../shared/adapters/locks.ts';
import type { SecretLabels } from '../adapters/secret-labels.ts';
import type { LockInput } from '../schemas.ts';

interface AcquireDeps {
  readonly locks: Pick<Locks, 'acquire'>;
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly logger: Logger;
  /** Longer than the longest rotation including its approval wait: only a crashed holder's lease ever expires. */
  readonly ttlSeconds: number;
  readonly now?: () => Date;
}

interface AcquireOutput {
  readonly acquired: boolean;
  readonly secretArn: string;
  readonly reason?: string;
}

const createAcquireLockStep =
  ({ locks, secrets, logger, ttlSeconds, now = () => new Date() }: AcquireDeps) =>
  async ({ secretId, owner }: LockInput): Promise<AcquireOutput> => {
    const { arn } = await secrets.describe(secretId);
    const result = await locks.acquire({ key: arn, owner, now: now(), ttlSeconds });
    if (result.acquired) {
      logger.info('Lock acquired', { secretId: arn, owner });
      return { acquired: true, secretArn: arn };
    }
    const reason = `another rotation of this secret is running (execution ${result.heldBy}, lease until ${result.expiresAt})`;
    logger.info('Lock held by another rotation', { secretId: arn, owner, heldBy: result.heldBy });
    return { acquired: false, secretArn: arn, reason };
  };

/** Release keys the lease by the ARN Lock Secret resolved (the workflow passes `$.lock.secretArn`). */
const createReleaseLockStep =
  ({ locks, logger }: { locks: Pick<Locks, 'release'>; logger: Logger }) =>
  async ({ secretId, owner }: LockInput): Promise<{ released: boolean }> => {
    const released = await locks.release({ key: secretId, owner });
    logger.info(released ? 'Lock released' : 'Lock was not held by this execution', { secretId, owner });
    return { released };
  };

export type { AcquireDeps, AcquireOutput };
export { createAcquireLockStep, createReleaseLockStep };

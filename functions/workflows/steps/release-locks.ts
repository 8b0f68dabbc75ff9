// Release Locks: gives back the lease a failed execution still holds, so the next rotation of its secret runs instead
// of ending "Rotation Skipped" until the lease expires. The lease is keyed by the secret's ARN and owned by the
// execution's name (functions/shared/adapters/locks.ts); the release is conditional on that owner, so a lease another
// execution took over is left alone. Found by key when the execution names its secret (a Scan reads every lease to find
// one); a scan workflow (replica repair, cleanup) names none and may hold leases on any secret it visited, so those are
// found by owner: the table holds only live leases.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Locks } from '../../shared/adapters/locks.ts';
import type { SecretArns } from '../adapters/secrets.ts';
import type { LocksOutcome, ReleaseLocksInput } from '../schemas.ts';

interface ReleaseLocksDeps {
  readonly secrets: SecretArns;
  readonly locks: Pick<Locks, 'release' | 'heldBy'>;
  readonly logger: Logger;
}

const createReleaseLocksStep =
  ({ secrets, locks, logger }: ReleaseLocksDeps) =>
  async ({ owner, secretId }: ReleaseLocksInput): Promise<LocksOutcome> => {
    if (secretId === null) {
      const keys = await locks.heldBy(owner);
      let releasedCount = 0;
      for (const key of keys) if (await locks.release({ key, owner })) releasedCount += 1;
      logger.info(releasedCount ? 'Locks of the failed execution released' : 'The failed execution held no lock', {
        owner,
        releasedCount,
      });
      return { released: releasedCount > 0, releasedCount, ...(keys.length === 1 ? { lockKey: keys[0] } : {}) };
    }
    // A deleted secret's lease is still keyed by its ARN, which the input may name itself.
    const key = (await secrets.arnOf(secretId)) ?? (secretId.startsWith('arn:') ? secretId : undefined);
    if (key === undefined) return { released: false };
    const released = await locks.release({ key, owner });
    logger.info(released ? 'Lock of the failed execution released' : 'The failed execution held no lock', {
      secretId: key,
      owner,
    });
    return { released, releasedCount: released ? 1 : 0, lockKey: key };
  };

export type { ReleaseLocksDeps };
export { createReleaseLocksStep };

// Release Locks: gives back the lease a failed execution still holds, so the next rotation of its secret runs instead
// of ending "Rotation Skipped" until the lease expires. The lease is keyed by the secret's ARN and owned by the
// execution's name (functions/shared/adapters/locks.ts); the release is conditional on that owner, so a lease another
// execution took over is left alone. Found by key, not by a scan for the owner: the table has no index on owner, and a
// Scan (dynalite has no other way either) reads every lease to find one.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Locks } from '../../shared/adapters/locks.ts';
import type { SecretArns } from '../adapters/secrets.ts';
import type { LocksOutcome, ReleaseLocksInput } from '../schemas.ts';

interface ReleaseLocksDeps {
  readonly secrets: SecretArns;
  readonly locks: Pick<Locks, 'release'>;
  readonly logger: Logger;
}

const createReleaseLocksStep =
  ({ secrets, locks, logger }: ReleaseLocksDeps) =>
  async ({ owner, secretId }: ReleaseLocksInput): Promise<LocksOutcome> => {
    if (secretId === null) return { released: false };
    // A deleted secret's lease is still keyed by its ARN, which the input may name itself.
    const key = (await secrets.arnOf(secretId)) ?? (secretId.startsWith('arn:') ? secretId : undefined);
    if (key === undefined) return { released: false };
    const released = await locks.release({ key, owner });
    logger.info(released ? 'Lock of the failed execution released' : 'The failed execution held no lock', {
      secretId: key,
      owner,
    });
    return { released, lockKey: key };
  };

export type { ReleaseLocksDeps };
export { createReleaseLocksStep };

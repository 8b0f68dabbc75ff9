// Secrets Manager's shared request quota: one budget of 50 calls per second per Region covers PutSecretValue,
// RemoveRegionsFromReplication, ReplicateSecretToRegions, StopReplicationToReplica, UpdateSecret and
// UpdateSecretVersionStage together (AWS Secrets Manager quotas). Over it, calls fail with ThrottlingException
// "Rate exceeded". The window is a second of the local clock, so a test advances time instead of sleeping.
// Off unless a quota is set (State.writeQuotaPerSecond): the emulator's own benchmarks write far faster.
import { AwsError } from '../protocol.ts';

const SHARED_QUOTA_OPERATIONS: ReadonlySet<string> = new Set([
  'PutSecretValue',
  'RemoveRegionsFromReplication',
  'ReplicateSecretToRegions',
  'StopReplicationToReplica',
  'UpdateSecret',
  'UpdateSecretVersionStage',
]);

const WINDOW_MS = 1_000;

const createWriteQuota = (now: () => Date) => {
  /** Per Region: the instants (ms) of the admitted calls of the last second, oldest first. */
  const calls = new Map<string, number[]>();
  let throttled = 0;
  return {
    /** Admits the call or throws ThrottlingException; a throttled call does not use up the budget. */
    admit(operation: string, region: string, perSecond: number | undefined): void {
      if (perSecond === undefined || !SHARED_QUOTA_OPERATIONS.has(operation)) return;
      const at = now().getTime();
      const recent = (calls.get(region) ?? []).filter((t) => t > at - WINDOW_MS);
      if (recent.length >= perSecond) {
        calls.set(region, recent);
        throttled++;
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      recent.push(at);
      calls.set(region, recent);
    },
    throttled: () => throttled,
  };
};

export { createWriteQuota, SHARED_QUOTA_OPERATIONS };

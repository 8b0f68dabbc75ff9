// The replica-repair functions' shared settings, read from the environment serverless/replicas.yml sets.
import { requireEnv } from '../../shared/config.ts';
import { parseKmsKeys } from '../domain/policy.ts';
import { ReplicaConfigurationError } from '../errors.ts';

/** The stack's region: the primaries there are the ones this deployment repairs. */
const stackRegion = () => requireEnv('AWS_REGION');

/**
 * The stage param replicaKmsKeys, read per call (it is small) so a malformed value fails the step that needs it with a
 * message naming the param, and a corrected value needs no cold start.
 */
const kmsKeys = (): Readonly<Record<string, string>> => {
  const parsed = parseKmsKeys(process.env.REPLICA_KMS_KEYS);
  if (!parsed.ok) throw new ReplicaConfigurationError(parsed.reason);
  return parsed.keys;
};

/**
 * The stage param replicaEscalationRepeatHours, in milliseconds: how long the same failure of a secret is not told
 * again (0: every report tells it). Read per call, like replicaKmsKeys, so a bad value fails the step with its name.
 */
const escalationRepeatMs = (): number => {
  const raw = process.env.REPLICA_ESCALATION_REPEAT_HOURS ?? '24';
  const hours = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(hours) || hours < 0 || hours > 8760) {
    throw new ReplicaConfigurationError(
      `replicaEscalationRepeatHours must be a number of hours from 0 to 8760 (a year), not "${raw.slice(0, 40)}"`,
    );
  }
  return hours * 60 * 60 * 1000;
};

export { escalationRepeatMs, kmsKeys, stackRegion };

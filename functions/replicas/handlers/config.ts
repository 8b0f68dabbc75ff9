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

export { kmsKeys, stackRegion };

// ReplicateSecretToRegions, RemoveRegionsFromReplication, StopReplicationToReplica.
import type { CallContext } from '../../protocol.ts';
import { type Core, iso } from '../core.ts';
import { invalidParameter, invalidRequest } from '../errors.ts';
import { createReader } from '../input.ts';
import { locate, secretArn } from '../lookup.ts';
import { startReplication } from '../replicas.ts';
import { Rule, readReplicaRegions } from '../rules.ts';
import type { SecretRecord } from '../state.ts';
import { replicationStatus } from '../views.ts';

const replicateSecretToRegions = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  if (input.AddReplicaRegions === undefined) read.stringAt('addReplicaRegions', undefined, { required: true });
  const regions = readReplicaRegions(read, 'AddReplicaRegions');
  const force = read.bool('ForceOverwriteReplicaSecret') ?? false;
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  const invalid = regions.some(
    (r) => r.region === at.secret.primaryRegion || at.secret.replicas[r.region] !== undefined,
  );
  if (invalid || regions.length === 0) throw invalidParameter('Invalid replica region.');
  startReplication(core, at.secret, regions, force);
  return { ARN: at.arn, ReplicationStatus: replicationStatus(at.secret) };
};

const removeRegionsFromReplication = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const raw = read.list('RemoveReplicaRegions', { min: 1 });
  if (raw === undefined) read.stringAt('removeReplicaRegions', undefined, { required: true });
  const regions = (raw ?? []).map(
    (r, i) => read.stringAt(`removeReplicaRegions.${i + 1}.member`, r, Rule.region) ?? '',
  );
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true });
  if (regions.some((r) => at.secret.replicas[r] === undefined)) throw invalidParameter('Invalid replica region.');
  for (const region of regions) {
    delete at.secret.replicas[region];
    delete at.secret.lastAccessedDate[region];
  }
  return { ARN: at.arn, ReplicationStatus: replicationStatus(at.secret) };
};

/** Promotes the replica addressed in this region to a standalone secret; it keeps its ARN. */
const stopReplicationToReplica = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  const at = locate(core.state, ctx.region, secretId);
  if (!at.isReplica) {
    throw invalidRequest('StopReplicationToReplica must be called in the Region of a replica secret.');
  }
  const source = at.secret;
  const replica = source.replicas[ctx.region];
  const accessed = source.lastAccessedDate[ctx.region];
  const promoted: SecretRecord = {
    ...structuredClone(source),
    primaryRegion: ctx.region,
    lastChangedDate: iso(core),
    lastAccessedDate: accessed === undefined ? {} : { [ctx.region]: accessed },
    replicas: {},
    ...(replica ? { kmsKeyId: replica.kmsKeyId } : {}),
  };
  delete promoted.rotation;
  delete source.replicas[ctx.region];
  delete source.lastAccessedDate[ctx.region];
  core.state.secrets[secretArn(promoted, ctx.region)] = promoted;
  return { ARN: at.arn };
};

export { removeRegionsFromReplication, replicateSecretToRegions, stopReplicationToReplica };

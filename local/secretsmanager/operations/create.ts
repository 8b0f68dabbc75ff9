// CreateSecret.
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../protocol.ts';
import { type Core, iso } from '../core.ts';
import { invalidParameter, invalidRequest, resourceExists } from '../errors.ts';
import { createReader } from '../input.ts';
import { copiesIn, randomSuffix, secretArn } from '../lookup.ts';
import { startReplication } from '../replicas.ts';
import { checkName, checkTagCount, Rule, readReplicaRegions, readTags, readValue } from '../rules.ts';
import type { SecretRecord } from '../state.ts';
import { byId, checkToken, putVersion } from '../versions.ts';
import { shortView } from '../views.ts';

const createSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const name = read.string('Name', Rule.name) ?? '';
  const token = read.string('ClientRequestToken', Rule.token);
  const description = read.string('Description', Rule.description);
  const kmsKeyId = read.string('KmsKeyId', Rule.kmsKeyId);
  const value = readValue(read);
  const tags = readTags(read, 'Tags') ?? [];
  const replicaRegions = readReplicaRegions(read, 'AddReplicaRegions');
  const forceOverwrite = read.bool('ForceOverwriteReplicaSecret') ?? false;
  read.done();
  checkName(name);
  checkTagCount(tags);

  const existing = copiesIn(core.state, ctx.region).find((c) => c.secret.name === name);
  if (existing) {
    if (existing.secret.deletedDate !== undefined) {
      throw invalidRequest(
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    // A retry with the same token and value is answered with the version it already created.
    if (token !== undefined && !existing.isReplica) {
      const seen = checkToken(existing.secret, existing.arn, token, value);
      if (seen === 'repeat') return shortView(existing.secret, ctx.region, { VersionId: token });
    }
    throw resourceExists(`The operation failed because the secret ${name} already exists.`);
  }
  if (replicaRegions.some((r) => r.region === ctx.region)) throw invalidParameter('Invalid replica region.');

  const now = iso(core);
  const secret: SecretRecord = {
    name,
    primaryRegion: ctx.region,
    suffix: randomSuffix(),
    ...(description !== undefined ? { description } : {}),
    ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
    createdDate: now,
    lastChangedDate: now,
    lastAccessedDate: {},
    tags,
    versions: [],
    replicas: {},
  };
  const hasValue = value.secretString !== undefined || value.secretBinary !== undefined;
  const versionId = token ?? randomUUID();
  if (hasValue) putVersion(secret, versionId, value, ['AWSCURRENT'], core.now());
  core.state.secrets[secretArn(secret, ctx.region)] = secret;
  if (replicaRegions.length > 0) startReplication(core, secret, replicaRegions, forceOverwrite);
  return shortView(secret, ctx.region, hasValue && byId(secret, versionId) ? { VersionId: versionId } : {});
};

export { createSecret };

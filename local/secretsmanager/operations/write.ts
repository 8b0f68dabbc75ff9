// PutSecretValue, UpdateSecret, UpdateSecretVersionStage: every change of value or label.
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../protocol.ts';
import { announce, type Core, iso } from '../core.ts';
import { invalidParameter } from '../errors.ts';
import { createReader } from '../input.ts';
import { locate } from '../lookup.ts';
import { Rule, readValue } from '../rules.ts';
import { byId, checkToken, moveStage, putVersion, Stage } from '../versions.ts';
import { compact } from '../views.ts';

const putSecretValue = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const token = read.string('ClientRequestToken', Rule.token) ?? randomUUID();
  const value = readValue(read);
  const rawStages = read.list('VersionStages', { min: 1, max: 20 });
  const stages = (rawStages ?? [Stage.current]).map(
    (s, i) => read.stringAt(`versionStages.${i + 1}.member`, s, Rule.versionStage) ?? '',
  );
  read.string('RotationToken', { min: 36, max: 256 });
  read.done();
  if (value.secretString === undefined && value.secretBinary === undefined) {
    throw invalidParameter('You must provide either SecretString or SecretBinary.');
  }
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  if (checkToken(at.secret, at.arn, token, value) !== 'repeat') {
    const change = putVersion(at.secret, token, value, stages, core.now());
    at.secret.lastChangedDate = iso(core);
    announce(core, at, change);
  }
  return compact({
    ARN: at.arn,
    Name: at.secret.name,
    VersionId: token,
    VersionStages: [...(byId(at.secret, token)?.stages ?? [])],
  });
};

const updateSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const token = read.string('ClientRequestToken', Rule.token) ?? randomUUID();
  const description = read.string('Description', Rule.description);
  const kmsKeyId = read.string('KmsKeyId', Rule.kmsKeyId);
  const value = readValue(read);
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  const hasValue = value.secretString !== undefined || value.secretBinary !== undefined;
  if (hasValue && checkToken(at.secret, at.arn, token, value) !== 'repeat') {
    announce(core, at, putVersion(at.secret, token, value, [Stage.current], core.now()));
  }
  if (description !== undefined) at.secret.description = description;
  if (kmsKeyId !== undefined) at.secret.kmsKeyId = kmsKeyId;
  at.secret.lastChangedDate = iso(core);
  return compact({ ARN: at.arn, Name: at.secret.name, VersionId: hasValue ? token : undefined });
};

const updateSecretVersionStage = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const stage = read.string('VersionStage', { ...Rule.versionStage, required: true }) ?? '';
  const removeFrom = read.string('RemoveFromVersionId', Rule.versionId);
  const moveTo = read.string('MoveToVersionId', Rule.versionId);
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  announce(core, at, moveStage(at.secret, stage, removeFrom, moveTo));
  at.secret.lastChangedDate = iso(core);
  return { ARN: at.arn, Name: at.secret.name };
};

export { putSecretValue, updateSecret, updateSecretVersionStage };

// TagResource, UntagResource and the resource policy operations.
import { validatePolicy } from '../../iam/policy.ts';
import type { CallContext } from '../../protocol.ts';
import { AwsError } from '../../protocol.ts';
import type { Core } from '../core.ts';
import { ErrorType } from '../errors.ts';
import { createReader } from '../input.ts';
import { locate } from '../lookup.ts';
import { Rule, readTags } from '../rules.ts';
import { compact } from '../views.ts';

const MAX_TAGS = 50;

const tagResource = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const tags = readTags(read, 'Tags', true) ?? [];
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  const merged = new Map(at.secret.tags.map((t) => [t.Key, t.Value]));
  for (const tag of tags) merged.set(tag.Key, tag.Value);
  if (merged.size > MAX_TAGS) {
    throw new AwsError(ErrorType.limitExceeded, `A secret can't have more than ${MAX_TAGS} tags.`);
  }
  at.secret.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  return {};
};

const untagResource = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const rawKeys = read.list('TagKeys');
  if (rawKeys === undefined) read.stringAt('tagKeys', undefined, { required: true });
  const keys = (rawKeys ?? []).map((k, i) => read.stringAt(`tagKeys.${i + 1}.member`, k, Rule.tagKey) ?? '');
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  at.secret.tags = at.secret.tags.filter((t) => !keys.includes(t.Key));
  return {};
};

type Statement = { Effect?: unknown; Principal?: unknown; Condition?: unknown };

// What BlockPublicPolicy refuses: an Allow for any principal without a condition narrowing it.
const grantsPublicAccess = (policy: { Statement?: unknown }) => {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.some((raw) => {
    const s = (raw ?? {}) as Statement;
    const principal = s.Principal;
    const anyone =
      principal === '*' ||
      (typeof principal === 'object' &&
        principal !== null &&
        [(principal as { AWS?: unknown }).AWS].flat().includes('*'));
    return s.Effect === 'Allow' && anyone && s.Condition === undefined;
  });
};

const putResourcePolicy = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const policy = read.string('ResourcePolicy', { required: true, min: 1, max: 20480 }) ?? '';
  const blockPublic = read.bool('BlockPublicPolicy') ?? false;
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw new AwsError(ErrorType.malformedPolicy, 'This resource policy contains a syntax error.');
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { Statement?: unknown }).Statement === undefined) {
    throw new AwsError(ErrorType.malformedPolicy, 'This resource policy contains an unsupported or missing element.');
  }
  if (blockPublic && grantsPublicAccess(parsed as { Statement?: unknown })) {
    throw new AwsError('PublicPolicyException', 'This resource policy will grant public access to the secret.');
  }
  at.secret.policy = policy;
  return { ARN: at.arn, Name: at.secret.name };
};

const getResourcePolicy = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  const at = locate(core.state, ctx.region, secretId);
  return compact({ ARN: at.arn, Name: at.secret.name, ResourcePolicy: at.secret.policy });
};

const deleteResourcePolicy = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  delete at.secret.policy;
  return { ARN: at.arn, Name: at.secret.name };
};

/**
 * ValidateResourcePolicy: the policy's grammar, what the local cloud cannot evaluate, and public access, as
 * `{PolicyValidationPassed, ValidationErrors: [{CheckName, ErrorMessage}]}`; text that is not a JSON object is
 * MalformedPolicyDocumentException. With a SecretId the secret must exist (its policy is not changed).
 */
const validateResourcePolicy = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', { ...Rule.secretId, required: false });
  const policy = read.string('ResourcePolicy', { required: true, min: 1, max: 20480 }) ?? '';
  read.done();
  if (secretId !== undefined) locate(core.state, ctx.region, secretId);
  const errors = validatePolicy(policy);
  if (errors === undefined) {
    throw new AwsError(ErrorType.malformedPolicy, 'This resource policy contains a syntax error.');
  }
  return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
};

export {
  deleteResourcePolicy,
  getResourcePolicy,
  putResourcePolicy,
  tagResource,
  untagResource,
  validateResourcePolicy,
};

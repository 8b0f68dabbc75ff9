// Model constraints shared by several operations (Secrets Manager API reference, "Length Constraints").
import { ErrorType, errors, invalidParameter } from './errors.ts';
import type { Reader, StringRule } from './input.ts';

const Rule = {
  secretId: { required: true, min: 1, max: 2048 },
  name: { required: true, min: 1, max: 512 },
  token: { min: 32, max: 64 },
  versionId: { min: 32, max: 64 },
  versionStage: { min: 1, max: 256 },
  description: { max: 2048 },
  kmsKeyId: { max: 2048 },
  // The model's minimum is 1: an empty value is refused, never stored.
  secretString: { min: 1, max: 65536, sensitive: true },
  secretBinary: { min: 1, sensitive: true },
  nextToken: { min: 1, max: 4096 },
  region: { min: 1, max: 128, pattern: /^([a-z]+-)+\d+$/ },
  tagKey: { required: true, min: 1, max: 128 },
  tagValue: { required: true, min: 0, max: 256 },
} as const satisfies Record<string, StringRule>;

// Secret names: letters, digits and /_+=.@- (the console's rule, enforced by the service).
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;

const checkName = (name: string) => {
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
};

/** SecretString / SecretBinary as a pair: at most one of them (both absent is for the caller to judge). */
const readValue = (read: Reader) => {
  const secretString = read.string('SecretString', Rule.secretString);
  const secretBinary = read.string('SecretBinary', Rule.secretBinary);
  if (secretBinary !== undefined && Buffer.from(secretBinary, 'base64').length > 65536) {
    throw invalidParameter('SecretBinary must be at most 65536 bytes.');
  }
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  return {
    ...(secretString !== undefined ? { secretString } : {}),
    ...(secretBinary !== undefined ? { secretBinary } : {}),
  };
};

const readTags = (read: Reader, key: string, required = false) => {
  const raw = read.list(key);
  if (raw === undefined) {
    if (required) read.stringAt(read.path(key), undefined, { required: true });
    return undefined;
  }
  return raw.map((item, i) => {
    const path = `tags.${i + 1}.member`;
    const tag = read.structureAt(path, item);
    return {
      Key: read.stringAt(`${path}.key`, tag.Key, Rule.tagKey) ?? '',
      Value: read.stringAt(`${path}.value`, tag.Value, Rule.tagValue) ?? '',
    };
  });
};

// "Maximum number of tags per secret: 50"; tags whose key starts with aws: do not count (API reference, TagResource).
const MAX_TAGS = 50;

/** The one tag quota CreateSecret and TagResource share: the tags the secret would have, checked before it has them. */
const checkTagCount = (tags: readonly { Key: string }[]) => {
  const keys = new Set(tags.map((t) => t.Key).filter((key) => !key.startsWith('aws:')));
  if (keys.size > MAX_TAGS) {
    throw errors.error(
      ErrorType.limitExceeded,
      'The request failed because it would exceed one of the Secrets Manager quotas.',
    );
  }
};

const readReplicaRegions = (read: Reader, key: string) =>
  (read.list(key) ?? []).map((item, i) => {
    const path = `addReplicaRegions.${i + 1}.member`;
    const entry = read.structureAt(path, item);
    const region = read.stringAt(`${path}.region`, entry.Region, { ...Rule.region, required: true }) ?? '';
    const kmsKeyId = read.stringAt(`${path}.kmsKeyId`, entry.KmsKeyId, Rule.kmsKeyId);
    return kmsKeyId !== undefined ? { region, kmsKeyId } : { region };
  });

export { checkName, checkTagCount, Rule, readReplicaRegions, readTags, readValue };

// SecretStore over the Secrets Manager SDK: the only strategy module that issues SDK commands. It translates the
// exceptions the strategies act on and rethrows the rest (throttling and service errors stay retryable by name).
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError, StrategyConfigError } from '../errors.ts';
import type { PasswordPolicy, SecretJson, SecretStore, VersionSelector } from './types.ts';
import { Stage } from './types.ts';

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

const describeSelector = (selector: VersionSelector) =>
  [selector.versionId && `version ${selector.versionId}`, selector.stage && `stage ${selector.stage}`]
    .filter(Boolean)
    .join(', ');

const translate = (error: unknown, secretId: string, selector: VersionSelector = {}) => {
  const name = errorName(error);
  if (name === 'ResourceNotFoundException') {
    const which = describeSelector(selector);
    return new SecretNotFoundError(`Secret ${secretId}${which ? ` (${which})` : ''} not found`, { cause: error });
  }
  if (name === 'AccessDeniedException' || name === 'DecryptionFailure') {
    return new StrategyConfigError(`Not allowed to use secret ${secretId} (${name})`, { cause: error });
  }
  return error;
};

/** Parses a SecretString. No cause: JSON.parse's message quotes the text it failed on. */
const parseSecretString = (text: string, secretId: string): SecretJson => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StrategyConfigError(`Secret ${secretId} does not hold a JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StrategyConfigError(`Secret ${secretId} does not hold a JSON object`);
  }
  return parsed as SecretJson;
};

const createSecretStore = ({ client }: { client: SecretsManagerClient }): SecretStore => ({
  async getValue(secretId, selector = {}) {
    let text: string | undefined;
    try {
      const out = await client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionId: selector.versionId, VersionStage: selector.stage }),
      );
      text = out.SecretString;
    } catch (error) {
      throw translate(error, secretId, selector);
    }
    if (text === undefined) throw new StrategyConfigError(`Secret ${secretId} has no SecretString (binary secrets)`);
    return parseSecretString(text, secretId);
  },

  async putPending(secretId, token, value) {
    try {
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: JSON.stringify(value),
          VersionStages: [Stage.pending],
        }),
      );
    } catch (error) {
      // The token already holds another value: an earlier attempt stored its own and won; the next steps read
      // whatever is stored, so this attempt has nothing left to do.
      if (errorName(error) === 'ResourceExistsException') return;
      throw translate(error, secretId);
    }
  },

  async describeVersions(secretId) {
    try {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return out.VersionIdsToStages ?? {};
    } catch (error) {
      throw translate(error, secretId);
    }
  },

  async getRandomPassword(policy: PasswordPolicy) {
    let password: string | undefined;
    try {
      const out = await client.send(
        new GetRandomPasswordCommand({
          PasswordLength: policy.length,
          ExcludeCharacters: policy.excludeCharacters,
          ExcludeNumbers: policy.excludeNumbers,
          ExcludePunctuation: policy.excludePunctuation,
          ExcludeUppercase: policy.excludeUppercase,
          ExcludeLowercase: policy.excludeLowercase,
          IncludeSpace: policy.includeSpace,
          RequireEachIncludedType: policy.requireEachIncludedType,
        }),
      );
      password = out.RandomPassword;
    } catch (error) {
      if (errorName(error) === 'InvalidParameterException') {
        throw new StrategyConfigError('The password policy cannot produce a password', { cause: error });
      }
      throw error;
    }
    if (!password) throw new StrategyConfigError('GetRandomPassword returned no password');
    return password;
  },
});

export { createSecretStore };

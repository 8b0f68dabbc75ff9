// Reads one of the control plane's own keys (the Slack signing secret, the link key, the Slack bot token) from Secrets
// Manager, once per container and again after `maxAgeMs`, so a rotated key takes effect without a deploy. Only SDK
// calls live here; the value is handed to its user and never logged, put in an error, or returned to a caller.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface SecretValueOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** Undefined when the secret does not exist (or has no string value): the verifier then refuses everything. */
type SecretValue = () => Promise<string | undefined>;

const DEFAULT_MAX_AGE_MS = 5 * 60_000;

const createSecretValue = ({
  client,
  secretId,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
  now = Date.now,
}: SecretValueOptions): SecretValue => {
  let cached: { readAt: number; value: Promise<string | undefined> } | undefined;
  return () => {
    if (cached && now() - cached.readAt < maxAgeMs) return cached.value;
    const value = client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => out.SecretString)
      .catch((error: Error) => {
        // A missing secret is an answer (not configured) and is cached like one; anything else is retried next time.
        if (error.name === 'ResourceNotFoundException') return undefined;
        cached = undefined;
        throw error;
      });
    cached = { readAt: now(), value };
    return value;
  };
};

export type { SecretValue, SecretValueOptions };
export { createSecretValue };

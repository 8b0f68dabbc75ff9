// The one interface every rotation target implements, and the small Secrets Manager port the strategies use.
import type { ClientConfig } from 'pg';

const Stage = { current: 'AWSCURRENT', pending: 'AWSPENDING', previous: 'AWSPREVIOUS' } as const;
type StageName = (typeof Stage)[keyof typeof Stage];

/** A secret's SecretString, parsed: strategies only rotate JSON objects. */
type SecretJson = Readonly<Record<string, unknown>>;

/** DescribeSecret's VersionIdsToStages. */
type VersionIdsToStages = Readonly<Record<string, readonly string[]>>;

interface VersionSelector {
  readonly versionId?: string;
  readonly stage?: StageName;
}

/** GetRandomPassword's options, camel-cased. */
interface PasswordPolicy {
  readonly length?: number;
  readonly excludeCharacters?: string;
  readonly excludeNumbers?: boolean;
  readonly excludePunctuation?: boolean;
  readonly excludeUppercase?: boolean;
  readonly excludeLowercase?: boolean;
  readonly includeSpace?: boolean;
  readonly requireEachIncludedType?: boolean;
}

interface SecretStore {
  /** The parsed value; SecretNotFoundError when the secret or the selected version (or its value) is missing. */
  getValue(secretId: string, selector?: VersionSelector): Promise<SecretJson>;
  /** Stores the value under the token with AWSPENDING; a repeat for a token that already has a value is a no-op. */
  putPending(secretId: string, token: string, value: SecretJson): Promise<void>;
  describeVersions(secretId: string): Promise<VersionIdsToStages>;
  getRandomPassword(policy: PasswordPolicy): Promise<string>;
}

interface PostgresOptions {
  readonly connectTimeoutMs?: number;
  /** Passed to pg as is. Production targets should set it: without TLS the session itself is in clear text. */
  readonly ssl?: ClientConfig['ssl'];
}

interface WebhookOptions {
  readonly timeoutMs?: number;
  /** The clock behind X-Smcp-Timestamp. */
  readonly now?: () => Date;
}

interface RotationContext {
  readonly secrets: SecretStore;
  readonly secretId: string;
  /** The rotation's ClientRequestToken: the version id of AWSPENDING. */
  readonly token: string;
  readonly passwordPolicy?: PasswordPolicy;
  readonly postgres?: PostgresOptions;
  readonly webhook?: WebhookOptions;
}

interface TestResult {
  readonly ok: boolean;
  /** Why the test failed, in words that never include a value. */
  readonly reason?: string;
}

/**
 * Every step is idempotent: it looks at VersionIdsToStages (and at the target) first and does nothing when its work
 * is already done. Steps return nothing but verdicts; secret values stay inside.
 */
interface RotationStrategy {
  readonly name: string;
  /** Stores the next value under the token as AWSPENDING. */
  createPending(ctx: RotationContext): Promise<void>;
  /** Makes the target accept AWSPENDING's credentials. */
  setSecret(ctx: RotationContext): Promise<void>;
  /** Whether the target accepts the credentials of a version; throws only when the answer is unknown. */
  testSecret(ctx: RotationContext, version: StageName): Promise<TestResult>;
  /** Undoes setSecret before promotion: the target goes back to the credentials the secret had before this rotation. */
  revertTarget(ctx: RotationContext): Promise<void>;
  /**
   * After promotion, the same for a roll back: works whether or not AWSCURRENT was already moved back. A no-op where
   * the old credentials stay valid (alternating users), so the workflow can call it for every strategy.
   */
  rollbackTarget(ctx: RotationContext): Promise<void>;
}

export type {
  PasswordPolicy,
  PostgresOptions,
  RotationContext,
  RotationStrategy,
  SecretJson,
  SecretStore,
  StageName,
  TestResult,
  VersionIdsToStages,
  VersionSelector,
  WebhookOptions,
};
export { Stage };

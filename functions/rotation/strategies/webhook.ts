// webhook: the owner's endpoint holds the credential. Secret: { webhookUrl, signingSecretArn, password, ... }; the
// "password" field is what rotates. Each call is a signed POST of
//   { action: 'set' | 'test', secretId, versionId, value }
// where `value` is the version's JSON without the routing fields: the value must reach the owner's system, so it
// travels in the body, over HTTPS (plain http only to loopback, for local work). The signing key is the "signingKey"
// field of the secret signingSecretArn names. The owner answers 2xx (done / valid), 4xx (refused / not valid),
// 5xx or 429 (try again later), and must treat a repeated `set` of one versionId as one change.
import { CredentialsRejectedError, StrategyConfigError, TargetUnreachableError } from '../errors.ts';
import type { RotationContext, RotationStrategy, SecretJson, StageName } from './types.ts';
import {
  createPendingWith,
  newPassword,
  priorVersion,
  readVersion,
  referencedSecret,
  requireToken,
  stringField,
  versionFor,
} from './versions.ts';
import { sign } from './webhook-signature.ts';

const Action = { set: 'set', test: 'test' } as const;
type ActionName = (typeof Action)[keyof typeof Action];

const DEFAULT_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const endpointOf = (value: SecretJson, where: string): URL => {
  let url: URL;
  try {
    url = new URL(stringField(value, 'webhookUrl', where));
  } catch (error) {
    if (error instanceof StrategyConfigError) throw error;
    throw new StrategyConfigError(`${where}: field "webhookUrl" is not a URL`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  // Credentials in the URL would end up in logs along the way.
  if (!secure || url.username || url.password) {
    throw new StrategyConfigError(`${where}: field "webhookUrl" must be an https URL without credentials`);
  }
  return url;
};

const withoutRouting = ({ webhookUrl: _url, signingSecretArn: _key, ...rest }: SecretJson) => rest;

/** One signed call; resolves with the HTTP status, throws TargetUnreachableError when there is none to give. */
const call = async (ctx: RotationContext, action: ActionName, versionId: string): Promise<number> => {
  const value = await readVersion(ctx, versionId);
  const where = `Secret ${ctx.secretId} version ${versionId}`;
  const url = endpointOf(value, where);
  const keySecret = stringField(value, 'signingSecretArn', where);
  // Fields of the secret (the URL, the signing secret's id) are never quoted in an error: `where` names them.
  const keyWhere = `the signing secret (field "signingSecretArn") of ${where}`;
  const signingKey = stringField(await referencedSecret(ctx, keySecret, keyWhere), 'signingKey', keyWhere);
  const hook = `The webhook of ${where}`;
  const body = JSON.stringify({ action, secretId: ctx.secretId, versionId, value: withoutRouting(value) });
  const timestamp = Math.floor((ctx.webhook?.now?.() ?? new Date()).getTime() / 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-smcp-timestamp': String(timestamp),
        'x-smcp-signature': sign(signingKey, timestamp, body),
        'idempotency-key': `${versionId}:${action}`,
      },
      body,
      // A redirect could carry the value to a host nobody checked.
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.webhook?.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    // fetch's error names the host: its name only.
    throw new TargetUnreachableError(`${hook} is unreachable (${action}: ${(error as Error).name})`);
  }
  // The body is the owner's and may echo what we sent: drain it unread.
  await response.body?.cancel().catch(() => {});
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500) {
    throw new TargetUnreachableError(`${hook} answered HTTP ${status} (${action})`);
  }
  if (status >= 300 && status < 400) {
    throw new StrategyConfigError(`${hook} answered with a redirect (HTTP ${status}); give its final URL`);
  }
  return status;
};

const accepted = (status: number) => status >= 200 && status < 300;

/** Makes the endpoint hold `versionId`'s value: asks first, so a repeat sends no second `set`. */
const ensureActive = async (ctx: RotationContext, versionId: string) => {
  if (accepted(await call(ctx, Action.test, versionId))) return;
  const status = await call(ctx, Action.set, versionId);
  if (!accepted(status)) {
    throw new CredentialsRejectedError(`The webhook refused version ${versionId} of ${ctx.secretId} (HTTP ${status})`);
  }
};

const createPending = (ctx: RotationContext) =>
  createPendingWith(ctx, async (current) => {
    const where = `Secret ${ctx.secretId} (AWSCURRENT)`;
    endpointOf(current, where);
    stringField(current, 'signingSecretArn', where);
    return { ...current, password: await newPassword(ctx) };
  });

const setSecret = async (ctx: RotationContext) => {
  requireToken(ctx, await ctx.secrets.describeVersions(ctx.secretId));
  await ensureActive(ctx, ctx.token);
};

const testSecret = async (ctx: RotationContext, stage: StageName) => {
  const versionId = await versionFor(ctx, stage);
  if (!versionId) return { ok: false, reason: `secret has no ${stage} version` };
  const status = await call(ctx, Action.test, versionId);
  return accepted(status) ? { ok: true } : { ok: false, reason: `the webhook refused ${stage} (HTTP ${status})` };
};

/** Back to the value from before this rotation (see priorVersion), before or after promotion. */
const restorePrior = async (ctx: RotationContext) => {
  const versions = await ctx.secrets.describeVersions(ctx.secretId);
  requireToken(ctx, versions);
  await ensureActive(ctx, priorVersion(ctx, versions));
};

const webhook: RotationStrategy = {
  name: 'webhook',
  createPending,
  setSecret,
  testSecret,
  revertTarget: restorePrior,
  rollbackTarget: restorePrior,
};

export { webhook };

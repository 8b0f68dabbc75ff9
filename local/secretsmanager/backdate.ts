// Local only: gives an existing secret an earlier CreatedDate and LastAccessedDate per region, so scenarios (and the
// cleanup's tests) can start from an inventory that has been around for months. AWS has no such call; the local-only
// route `POST /_smcp/secrets/backdate` and scenario setup.json files (`Backdate`) use it. The dates are stored
// instants like any other, so they go on ageing as the local clock moves.
import type { Core } from './core.ts';
import { secretArn } from './lookup.ts';
import type { SecretRecord } from './state.ts';
import { dayOf } from './views.ts';

interface BackdateRequest {
  readonly secretId: string;
  readonly createdDate?: string;
  /** Region → the instant of the last read there (kept to the day, as AWS does); null: never read there. */
  readonly lastAccessedDate?: Readonly<Record<string, string | null>>;
}

const instant = (value: unknown, field: string): number => {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`${field} must be an ISO-8601 date`);
  return ms;
};

const readRequest = (input: Record<string, unknown>): BackdateRequest => {
  const extra = Object.keys(input).filter((k) => !['secretId', 'createdDate', 'lastAccessedDate'].includes(k));
  if (extra.length > 0)
    throw new Error(`Unknown field ${extra.join(', ')}: use secretId, createdDate, lastAccessedDate`);
  if (typeof input.secretId !== 'string' || input.secretId === '') throw new Error('secretId must name a secret');
  const accessed = input.lastAccessedDate;
  if (accessed !== undefined && (accessed === null || typeof accessed !== 'object' || Array.isArray(accessed))) {
    throw new Error('lastAccessedDate must map regions to dates, e.g. {"us-east-1": "2025-01-31T00:00:00Z"}');
  }
  return input as unknown as BackdateRequest;
};

const findSecret = (core: Core, secretId: string): SecretRecord => {
  for (const secret of Object.values(core.state.secrets)) {
    const arns = [secret.primaryRegion, ...Object.keys(secret.replicas)].map((r) => secretArn(secret, r));
    if (secret.name === secretId || arns.includes(secretId)) return secret;
  }
  throw new Error(`No secret ${secretId} in the Secrets Manager emulator`);
};

const backdateSecret = (core: Core, input: Record<string, unknown>) => {
  const request = readRequest(input);
  const secret = findSecret(core, request.secretId);
  const now = core.now().getTime();
  const created =
    request.createdDate === undefined ? Date.parse(secret.createdDate) : instant(request.createdDate, 'createdDate');
  if (created > now) throw new Error('createdDate must not be later than the local clock');
  const regions = [secret.primaryRegion, ...Object.keys(secret.replicas)];
  const reads = Object.entries(request.lastAccessedDate ?? {}).map(([region, value]) => {
    if (!regions.includes(region)) {
      throw new Error(
        `lastAccessedDate: ${region} is neither the primary's region nor a replica's (${regions.join(', ')})`,
      );
    }
    if (value === null) return { region, day: undefined };
    const ms = instant(value, `lastAccessedDate.${region}`);
    if (ms > now) throw new Error(`lastAccessedDate.${region} must not be later than the local clock`);
    if (ms < created) throw new Error(`lastAccessedDate.${region} must not be before the secret was created`);
    return { region, day: dayOf(new Date(ms)) };
  });
  if (request.createdDate !== undefined) {
    const before = secret.createdDate;
    const iso = new Date(created).toISOString();
    // The versions and the last change that came with the secret's creation move back with it.
    for (const version of secret.versions) {
      if (version.createdDate === before) (version as { createdDate: string }).createdDate = iso;
    }
    if (secret.lastChangedDate === before) secret.lastChangedDate = iso;
    (secret as { createdDate: string }).createdDate = iso;
  }
  for (const { region, day } of reads) {
    if (day === undefined) delete secret.lastAccessedDate[region];
    else secret.lastAccessedDate[region] = day;
  }
  return {
    ARN: secretArn(secret, secret.primaryRegion),
    CreatedDate: secret.createdDate,
    LastAccessedDate: { ...secret.lastAccessedDate },
  };
};

export type { BackdateRequest };
export { backdateSecret };

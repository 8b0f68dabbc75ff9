// The Secrets Manager emulator's local-only switches (docs/local-cloud.md, "Replica faults"), for scenario setups
// (local/replay/setup.ts) and tests, over HTTP so a running `smcp local` takes them too:
//   GET  /_smcp/secretsmanager/faults    what is switched on
//   POST /_smcp/secretsmanager/faults    { replicaFailures?: [{secretId, region, kind, times?, kmsKeyId?}],
//                                          clearReplicaFailures?: [{secretId, region}],
//                                          regionsNotEnabled?: [region…], writeQuotaPerSecond?: n | null }
//   POST /_smcp/secretsmanager/replicas  { secretId, primaryRegion?, replicas: [{region, status, kmsKeyId?, cause?}] }
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../cloud/routes.ts';
import { isObject, parseJson } from '../json-protocol/body.ts';
import type { SecretsManagerEmulator } from './index.ts';
import type { ReplicaFailureKind, ReplicaStatus } from './state.ts';

const KINDS: readonly ReplicaFailureKind[] = [
  'name-conflict',
  'kms-key',
  'kms-key-disabled',
  'kms-key-not-found',
  'kms-access-denied',
  'transient',
];
const CAUSES: readonly string[] = [...KINDS, 'region-not-enabled'];
const STATUSES: readonly ReplicaStatus[] = ['InSync', 'Failed', 'InProgress'];
const REGION = /^([a-z]+-)+\d+$/;

class BadRequest extends Error {}

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const text = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${where} must be a non-empty string`);
  return value;
};
const region = (value: unknown, where: string): string => {
  const r = text(value, where);
  if (!REGION.test(r))
    throw new BadRequest(`${where} must be a Region name such as us-west-2, got ${JSON.stringify(r)}`);
  return r;
};
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], where: string): T => {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw new BadRequest(`${where} must be one of ${allowed.join(', ')}`);
  return value as T;
};
const list = (value: unknown, where: string): unknown[] => {
  if (!Array.isArray(value)) throw new BadRequest(`${where} must be an array`);
  return value;
};
const object = (value: unknown, where: string): Record<string, unknown> => {
  if (!isObject(value)) throw new BadRequest(`${where} must be an object`);
  return value;
};
const optionalText = (value: unknown, where: string) => (value === undefined ? undefined : text(value, where));

/** Where a secret is named by id: an emulator lookup failure is the caller's mistake, not the emulator's. */
const lookup = <T>(work: () => T): T => {
  try {
    return work();
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
};

/** Reads the whole body first and applies it only when all of it is valid: bad input changes nothing. */
const setFaults = (sm: SecretsManagerEmulator, input: Record<string, unknown>) => {
  const regionsNotEnabled =
    input.regionsNotEnabled === undefined
      ? undefined
      : list(input.regionsNotEnabled, 'regionsNotEnabled').map((r, i) => region(r, `regionsNotEnabled[${i}]`));
  const quota = input.writeQuotaPerSecond;
  if (quota !== undefined && quota !== null && !(Number.isInteger(quota) && (quota as number) > 0))
    throw new BadRequest('writeQuotaPerSecond must be a positive integer, or null to lift the quota');
  const clears = list(input.clearReplicaFailures ?? [], 'clearReplicaFailures').map((raw, i) => {
    const clear = object(raw, `clearReplicaFailures[${i}]`);
    return {
      secretId: text(clear.secretId, `clearReplicaFailures[${i}].secretId`),
      region: region(clear.region, `clearReplicaFailures[${i}].region`),
    };
  });
  const faults = list(input.replicaFailures ?? [], 'replicaFailures').map((raw, i) => {
    const fault = object(raw, `replicaFailures[${i}]`);
    const at = `replicaFailures[${i}]`;
    const times = fault.times;
    if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0))
      throw new BadRequest(`${at}.times must be a positive integer (how many replications fail before it clears)`);
    const kmsKeyId = optionalText(fault.kmsKeyId, `${at}.kmsKeyId`);
    return {
      secretId: text(fault.secretId, `${at}.secretId`),
      region: region(fault.region, `${at}.region`),
      kind: oneOf(fault.kind, KINDS, `${at}.kind`),
      options: {
        ...(times === undefined ? {} : { times: times as number }),
        ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
      },
    };
  });
  // Every secret named must exist before anything changes.
  for (const { secretId } of [...clears, ...faults]) lookup(() => sm.findSecret(secretId));
  if (regionsNotEnabled !== undefined) sm.setRegionsNotEnabled(regionsNotEnabled);
  if (quota !== undefined) sm.setWriteQuota(quota === null ? undefined : (quota as number));
  for (const { secretId, region: where } of clears) sm.clearReplicaFailure(secretId, where);
  for (const { secretId, region: where, kind, options } of faults)
    sm.injectReplicaFailure(secretId, where, kind, options);
};

const placeReplicas = (sm: SecretsManagerEmulator, input: Record<string, unknown>) => {
  const secretId = text(input.secretId, 'secretId');
  const primaryRegion = input.primaryRegion === undefined ? undefined : region(input.primaryRegion, 'primaryRegion');
  for (const [i, raw] of list(input.replicas, 'replicas').entries()) {
    const replica = object(raw, `replicas[${i}]`);
    const kmsKeyId = optionalText(replica.kmsKeyId, `replicas[${i}].kmsKeyId`);
    const cause =
      replica.cause === undefined
        ? undefined
        : (oneOf(replica.cause, CAUSES, `replicas[${i}].cause`) as ReplicaFailureKind | 'region-not-enabled');
    lookup(() =>
      sm.placeReplica(
        secretId,
        {
          region: region(replica.region, `replicas[${i}].region`),
          status: oneOf(replica.status, STATUSES, `replicas[${i}].status`),
          ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
          ...(cause === undefined ? {} : { cause }),
        },
        primaryRegion,
      ),
    );
  }
};

const secretsManagerAdminRoute =
  (sm: SecretsManagerEmulator): Route =>
  (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (!path.startsWith('/_smcp/secretsmanager/')) return false;
    try {
      if (req.method === 'GET' && path === '/_smcp/secretsmanager/faults') {
        send(res, 200, sm.faults());
        return true;
      }
      if (req.method !== 'POST' || !['/_smcp/secretsmanager/faults', '/_smcp/secretsmanager/replicas'].includes(path)) {
        send(res, 404, { error: `No local route ${req.method} ${path}` });
        return true;
      }
      const parsed = body.length ? parseJson(body.toString('utf8')) : { ok: true as const, value: {} };
      if (!parsed.ok) throw new BadRequest(`Body ${parsed.problem}`);
      const input = object(parsed.value, 'The body');
      if (path === '/_smcp/secretsmanager/faults') setFaults(sm, input);
      else placeReplicas(sm, input);
      send(res, 200, sm.faults());
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      send(res, 400, { error: error.message });
    }
    return true;
  };

export { secretsManagerAdminRoute };

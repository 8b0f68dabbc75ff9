// A scenario folder's `setup.json`: the secrets its recorded events expect to exist, created before the replay.
// Values are generated unless the file gives one, so recordings never need to hold a real secret.
// Beyond CreateSecret's members a secret may say where it lives and how its replicas stand, and the file may switch
// on the local cloud's faults (docs/local-cloud.md, "Replica faults"):
//   { "regionsNotEnabled": ["ap-east-1"], "writeQuotaPerSecond": 50,
//     "secrets": [{ "Name": "app/db", "Region": "us-west-2" },                       a secret in another region
//                 { "Name": "app/db", "Tags": [...],
//                   "Replicas": [{ "Region": "us-west-2", "Status": "Failed", "Cause": "name-conflict" }],
//                   "ReplicaFaults": [{ "Region": "us-west-2", "Kind": "transient", "Times": 2 }] }] }
// Replicas are placed as they stand, without the replication (and its service events) that would lead there.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface SetupReplica {
  readonly Region: string;
  readonly Status: 'InSync' | 'Failed' | 'InProgress';
  readonly KmsKeyId?: string;
  /** A Failed replica's cause: a replica fault kind or `region-not-enabled` (default: a network error). */
  readonly Cause?: string;
}

interface SetupFault {
  readonly Region: string;
  readonly Kind: string;
  /** Fails this many replications into the region, then clears; absent: until cleared. */
  readonly Times?: number;
  readonly KmsKeyId?: string;
}

interface SetupSecret {
  readonly Name: string;
  readonly Description?: string;
  readonly Tags?: { Key: string; Value: string }[];
  readonly SecretString?: string;
  readonly KmsKeyId?: string;
  /** Where the secret is created (default us-east-1). */
  readonly Region?: string;
  readonly Replicas?: SetupReplica[];
  readonly ReplicaFaults?: SetupFault[];
  /** Local only, not a CreateSecret member: how old the secret is and when it was last read (see backdate below). */
  readonly Backdate?: SetupBackdate;
}

/**
 * Ages relative to the target's clock when the setup runs: `{"CreatedDaysAgo": 200, "LastAccessedDaysAgo":
 * {"us-east-1": 120, "eu-west-1": 3}}` (a region's value null: never read there). Applied through the local-only
 * `POST /_smcp/secrets/backdate` once the secret exists and its replicas are placed.
 */
interface SetupBackdate {
  readonly CreatedDaysAgo?: number;
  readonly LastAccessedDaysAgo?: Readonly<Record<string, number | null>>;
}

interface ScenarioSetup {
  readonly secrets: SetupSecret[];
  readonly regionsNotEnabled?: string[];
  readonly writeQuotaPerSecond?: number;
}

const SETUP_FILE = 'setup.json';

const loadSetup = (paths: readonly string[]): ScenarioSetup => {
  const secrets: SetupSecret[] = [];
  const regionsNotEnabled: string[] = [];
  let writeQuotaPerSecond: number | undefined;
  for (const path of paths) {
    const file = join(path, SETUP_FILE);
    if (!existsSync(path) || !statSync(path).isDirectory() || !existsSync(file)) continue;
    let parsed: { secrets?: unknown; regionsNotEnabled?: unknown; writeQuotaPerSecond?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed.secrets)) throw new Error(`${file}: "secrets" must be an array of CreateSecret inputs`);
    for (const [i, secret] of parsed.secrets.entries()) {
      if (typeof (secret as SetupSecret)?.Name !== 'string') throw new Error(`${file}: secrets[${i}] needs a Name`);
      for (const key of ['Replicas', 'ReplicaFaults'] as const) {
        const value = (secret as SetupSecret)[key];
        if (value !== undefined && !Array.isArray(value))
          throw new Error(`${file}: secrets[${i}].${key} must be an array`);
      }
      secrets.push(secret as SetupSecret);
    }
    if (parsed.regionsNotEnabled !== undefined) {
      if (!Array.isArray(parsed.regionsNotEnabled) || parsed.regionsNotEnabled.some((r) => typeof r !== 'string'))
        throw new Error(`${file}: "regionsNotEnabled" must be an array of Region names`);
      regionsNotEnabled.push(...(parsed.regionsNotEnabled as string[]));
    }
    if (parsed.writeQuotaPerSecond !== undefined) {
      if (typeof parsed.writeQuotaPerSecond !== 'number')
        throw new Error(`${file}: "writeQuotaPerSecond" must be a number of calls per second`);
      writeQuotaPerSecond = parsed.writeQuotaPerSecond;
    }
  }
  return {
    secrets,
    ...(regionsNotEnabled.length > 0 ? { regionsNotEnabled } : {}),
    ...(writeQuotaPerSecond === undefined ? {} : { writeQuotaPerSecond }),
  };
};

/** The local cloud's fault switches, over its local-only route (an in-process and a running cloud alike). */
const adminPost = async (endpoint: string, path: string, body: unknown) => {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(`setup.json: ${answer.error ?? `${path} answered ${response.status}`}`);
  }
};

/** Places a created secret's replicas and injects its faults. */
const arrange = async (endpoint: string, secret: SetupSecret) => {
  const primaryRegion = secret.Region ?? 'us-east-1';
  if (secret.Replicas?.length) {
    await adminPost(endpoint, '/_smcp/secretsmanager/replicas', {
      secretId: secret.Name,
      primaryRegion,
      replicas: secret.Replicas.map((r) => ({
        region: r.Region,
        status: r.Status,
        ...(r.KmsKeyId === undefined ? {} : { kmsKeyId: r.KmsKeyId }),
        ...(r.Cause === undefined ? {} : { cause: r.Cause }),
      })),
    });
  }
  if (secret.ReplicaFaults?.length) {
    await adminPost(endpoint, '/_smcp/secretsmanager/faults', {
      replicaFailures: secret.ReplicaFaults.map((f) => ({
        secretId: secret.Name,
        region: f.Region,
        kind: f.Kind,
        ...(f.Times === undefined ? {} : { times: f.Times }),
        ...(f.KmsKeyId === undefined ? {} : { kmsKeyId: f.KmsKeyId }),
      })),
    });
  }
};

/**
 * Creates the setup's secrets that do not exist yet (placing their replicas and faults), after switching on the
 * file's faults; returns the names it created. A secret that exists already is left as it is.
 */
const applySetup = async (endpoint: string, setup: ScenarioSetup): Promise<string[]> => {
  if (setup.regionsNotEnabled !== undefined || setup.writeQuotaPerSecond !== undefined) {
    await adminPost(endpoint, '/_smcp/secretsmanager/faults', {
      ...(setup.regionsNotEnabled ? { regionsNotEnabled: setup.regionsNotEnabled } : {}),
      ...(setup.writeQuotaPerSecond === undefined ? {} : { writeQuotaPerSecond: setup.writeQuotaPerSecond }),
    });
  }
  if (setup.secrets.length === 0) return [];
  const clients = new Map<string, SecretsManagerClient>();
  const clientIn = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      // Patient: a setup that turns the write quota on must not trip over it.
      client = new SecretsManagerClient({
        endpoint,
        region,
        maxAttempts: 10,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      clients.set(region, client);
    }
    return client;
  };
  const created: string[] = [];
  try {
    for (const secret of setup.secrets) {
      const { Region, Replicas: _replicas, ReplicaFaults: _faults, Backdate, ...input } = secret;
      const value = secret.SecretString ?? JSON.stringify({ password: randomBytes(24).toString('base64url') });
      try {
        await clientIn(Region ?? 'us-east-1').send(new CreateSecretCommand({ ...input, SecretString: value }));
        created.push(secret.Name);
      } catch (error) {
        if (!(error instanceof ResourceExistsException)) throw error;
        continue;
      }
      await arrange(endpoint, secret);
      if (Backdate) await backdate(endpoint, secret.Name, Backdate);
    }
  } finally {
    for (const client of clients.values()) client.destroy();
  }
  return created;
};

const DAY_MS = 24 * 60 * 60 * 1000;

const localRoute = async (endpoint: string, path: string, body?: unknown) => {
  const response = await fetch(`${endpoint}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${String(parsed.error ?? response.status)}`);
  return parsed;
};

const daysAgo = (now: number, days: unknown, field: string) => {
  if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) {
    throw new Error(`setup.json: ${field} must be a number of days (0 or more)`);
  }
  return new Date(now - days * DAY_MS).toISOString();
};

/** Ages a created secret as its setup entry says, counted back from the target's clock. */
const backdate = async (endpoint: string, name: string, ages: SetupBackdate) => {
  const now = Date.parse(String((await localRoute(endpoint, '/_smcp/clock')).now));
  const accessed = Object.entries(ages.LastAccessedDaysAgo ?? {}).map(([region, days]) => [
    region,
    days === null ? null : daysAgo(now, days, `${name}: Backdate.LastAccessedDaysAgo.${region}`),
  ]);
  await localRoute(endpoint, '/_smcp/secrets/backdate', {
    secretId: name,
    ...(ages.CreatedDaysAgo === undefined
      ? {}
      : { createdDate: daysAgo(now, ages.CreatedDaysAgo, `${name}: Backdate.CreatedDaysAgo`) }),
    ...(accessed.length > 0 ? { lastAccessedDate: Object.fromEntries(accessed) } : {}),
  });
};

export type { ScenarioSetup, SetupBackdate, SetupFault, SetupReplica, SetupSecret };
export { applySetup, loadSetup, SETUP_FILE };

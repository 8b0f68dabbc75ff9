// A scenario folder's `setup.json`: the secrets its recorded events expect to exist, created before the replay.
// Values are generated unless the file gives one, so recordings never need to hold a real secret.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface SetupSecret {
  readonly Name: string;
  readonly Description?: string;
  readonly Tags?: { Key: string; Value: string }[];
  readonly SecretString?: string;
  /** Local only, not a CreateSecret member: how old the secret is and when it was last read (see backdate below). */
  readonly Backdate?: SetupBackdate;
}

/**
 * Ages relative to the target's clock when the setup runs: `{"CreatedDaysAgo": 200, "LastAccessedDaysAgo":
 * {"us-east-1": 120, "eu-west-1": 3}}` (a region's value null: never read there). Applied through the local-only
 * `POST /_smcp/secrets/backdate` once the secret exists.
 */
interface SetupBackdate {
  readonly CreatedDaysAgo?: number;
  readonly LastAccessedDaysAgo?: Readonly<Record<string, number | null>>;
}

interface ScenarioSetup {
  readonly secrets: SetupSecret[];
}

const SETUP_FILE = 'setup.json';

const loadSetup = (paths: readonly string[]): ScenarioSetup => {
  const secrets: SetupSecret[] = [];
  for (const path of paths) {
    const file = join(path, SETUP_FILE);
    if (!existsSync(path) || !statSync(path).isDirectory() || !existsSync(file)) continue;
    let parsed: { secrets?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { secrets?: unknown };
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed.secrets)) throw new Error(`${file}: "secrets" must be an array of CreateSecret inputs`);
    for (const [i, secret] of parsed.secrets.entries()) {
      if (typeof (secret as SetupSecret)?.Name !== 'string') throw new Error(`${file}: secrets[${i}] needs a Name`);
      secrets.push(secret as SetupSecret);
    }
  }
  return { secrets };
};

/** Creates the setup's secrets that do not exist yet; returns the names it created. */
const applySetup = async (endpoint: string, setup: ScenarioSetup): Promise<string[]> => {
  if (setup.secrets.length === 0) return [];
  const sm = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const created: string[] = [];
  try {
    for (const secret of setup.secrets) {
      const value = secret.SecretString ?? JSON.stringify({ password: randomBytes(24).toString('base64url') });
      const { Backdate, ...input } = secret;
      try {
        await sm.send(new CreateSecretCommand({ ...input, SecretString: value }));
        created.push(secret.Name);
      } catch (error) {
        if (!(error instanceof ResourceExistsException)) throw error;
        continue;
      }
      if (Backdate) await backdate(endpoint, secret.Name, Backdate);
    }
  } finally {
    sm.destroy();
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

export type { ScenarioSetup, SetupBackdate };
export { applySetup, loadSetup, SETUP_FILE };

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
      try {
        await sm.send(new CreateSecretCommand({ ...secret, SecretString: value }));
        created.push(secret.Name);
      } catch (error) {
        if (!(error instanceof ResourceExistsException)) throw error;
      }
    }
  } finally {
    sm.destroy();
  }
  return created;
};

export type { ScenarioSetup };
export { applySetup, loadSetup, SETUP_FILE };

// Reads serverless.yml as osls resolves it (`serverless print`), so the local cloud runs exactly what would deploy.
// Resolving takes a few seconds, so the result is cached by a digest of every file it depends on.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface FunctionConfig {
  readonly name: string;
  readonly handler: string;
  readonly environment?: Record<string, unknown>;
  readonly timeout?: number;
  readonly events?: readonly Record<string, unknown>[];
}

interface StateMachineConfig {
  readonly id?: string;
  readonly name?: string;
  readonly definition: unknown;
}

interface ServiceConfig {
  readonly service: string;
  readonly provider: { stage: string; region: string; environment?: Record<string, unknown>; timeout?: number };
  readonly functions?: Record<string, FunctionConfig>;
  readonly stepFunctions?: { stateMachines?: Record<string, StateMachineConfig> };
  readonly resources?: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  readonly params?: Record<string, Record<string, unknown>>;
}

const INPUTS = ['serverless.yml', 'serverless', 'package.json', 'statemachines', 'events/rules', 'scripts/sls'];

const listFiles = (root: string, path: string): string[] => {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => listFiles(root, join(path, entry)));
};

/** Stage params given on the command line (`--param="name=value"`), over serverless.yml's `params`. */
type ParamOverrides = Readonly<Record<string, string>>;

const digestInputs = (root: string, stage: string, params: ParamOverrides): string => {
  const hash = createHash('sha256')
    .update(stage)
    .update(JSON.stringify(Object.entries(params).sort()));
  for (const file of INPUTS.flatMap((input) => listFiles(root, input))) {
    hash.update(relative(root, join(root, file))).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
};

const loadServiceConfig = async ({
  root,
  stage,
  params = {},
}: {
  root: string;
  stage: string;
  params?: ParamOverrides;
}): Promise<ServiceConfig> => {
  const cacheDir = join(root, 'node_modules', '.cache', 'smcp');
  const cacheFile = join(cacheDir, `service-${digestInputs(root, stage, params)}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as ServiceConfig;
  const bin = join(root, 'node_modules', 'osls', 'bin', 'serverless.js');
  let stdout: string;
  try {
    const paramArgs = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
    ({ stdout } = await run(process.execPath, [bin, 'print', '--format', 'json', '--stage', stage, ...paramArgs], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`serverless.yml could not be resolved (serverless print failed):\n${stderr.trim()}`, {
      cause: error,
    });
  }
  const config = JSON.parse(stdout) as ServiceConfig;
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename, so parallel test workers never read a half-written cache file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(config));
  renameSync(partial, cacheFile);
  return config;
};

export type { FunctionConfig, ParamOverrides, ServiceConfig, StateMachineConfig };
export { loadServiceConfig };

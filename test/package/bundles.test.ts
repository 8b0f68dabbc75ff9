// What each function's bundle holds and evaluates at cold start, built as `npm run package` builds it (serverless.yml's
// custom.esbuild with its plugins, every handler serverless/*.yml names). Heavy or unused code in a bundle is time a
// user waits for on every cold start (npm run bench -- cold-start measures it).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build, type Metafile, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;

// serverless-esbuild's own options, which it does not pass to esbuild.
const PLUGIN_ONLY = ['exclude', 'outputFileExtension', 'packager', 'nativeZip', 'concurrency', 'zipConcurrency'];

const esbuildOptions = () => {
  const custom = parse(readFileSync(`${ROOT}serverless.yml`, 'utf8')).custom.esbuild as Record<string, unknown>;
  const options: Record<string, unknown> = { ...custom };
  for (const key of PLUGIN_ONLY) delete options[key];
  options.plugins = createRequire(import.meta.url)(`${ROOT}${custom.plugins as string}`) as Plugin[];
  return options;
};

const handlerFiles = (): Map<string, string> => {
  const byKey = new Map<string, string>();
  for (const file of readdirSync(`${ROOT}serverless`).filter((f) => f.endsWith('.yml'))) {
    const functions = (parse(readFileSync(`${ROOT}serverless/${file}`, 'utf8')).functions ?? {}) as Record<
      string,
      { handler: string }
    >;
    for (const [key, { handler }] of Object.entries(functions)) {
      byKey.set(key, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`);
    }
  }
  return byKey;
};

/** The handler's module and every module it imports statically: what importing the bundle evaluates. */
const loadedAtColdStart = (metafile: Metafile, entry: string): string[] => {
  const loaded = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (loaded.has(path)) continue;
    loaded.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && metafile.inputs[imported.path]) pending.push(imported.path);
    }
  }
  return [...loaded];
};

interface Bundle {
  /** The bundle's JavaScript (identifiers are not minified, so declarations keep their names). */
  readonly code: string;
  /** Modules whose code is in the bundle. */
  readonly bundled: string[];
  readonly coldStart: string[];
}

const bundles = new Map<string, Bundle>();

beforeAll(async () => {
  const options = esbuildOptions();
  const built = new Map<string, Bundle>();
  for (const [key, entry] of handlerFiles()) {
    if (!built.has(entry)) {
      const { metafile, outputFiles } = await build({
        ...options,
        absWorkingDir: ROOT,
        entryPoints: [entry],
        outdir: 'out',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint === entry);
      built.set(entry, {
        code: outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '',
        bundled: Object.entries(output?.inputs ?? {})
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([path]) => path),
        coldStart: loadedAtColdStart(metafile, entry),
      });
    }
    bundles.set(key, built.get(entry) as Bundle);
  }
}, 120_000);

const bundle = (key: string): Bundle => {
  const found = bundles.get(key);
  if (!found) throw new Error(`no function ${key} in serverless/*.yml`);
  return found;
};
const inPackage = (paths: readonly string[], pkg: string) => paths.filter((p) => p.includes(`node_modules/${pkg}/`));
/** `var LockInput=` in the minified bundle: the schema is built when the bundle loads. */
const builds = (key: string, schema: string) => new RegExp(`\\b${schema}=`).test(bundle(key).code);

describe('function bundles', () => {
  it('never bundle classic zod, only zod/mini', () => {
    expect(bundles.size).toBeGreaterThan(0);
    for (const [key, { bundled }] of bundles) {
      expect(
        inPackage(bundled, 'zod').filter((p) => /\/zod\/(v4\/classic|v3)\//.test(p)),
        key,
      ).toEqual([]);
    }
  });

  it('build only the schemas their function reads', () => {
    expect(builds('rotationAcquireLock', 'LockInput')).toBe(true);
    expect(builds('rotationAcquireLock', 'RotationReportState')).toBe(false);
    expect(builds('rotationAcquireLock', 'PlanInput')).toBe(false);
    expect(builds('rotationReport', 'RotationReportState')).toBe(true);
    expect(builds('rotationReport', 'LockInput')).toBe(false);
    // The dispatcher validates events, never a step's input.
    expect(builds('dispatch', 'RotationRequestedDetail')).toBe(true);
    expect(builds('dispatch', 'ReadSpikeDetectedDetail')).toBe(true);
    expect(builds('dispatch', 'TargetInput')).toBe(false);
    expect(builds('dispatch', 'CloudTrailRead')).toBe(false);
    expect(builds('ingest-reads', 'CloudTrailRead')).toBe(true);
    expect(builds('ingest-reads', 'ReadSpikeDetectedDetail')).toBe(false);
  });

  it('leave out the DynamoDB client where the function never calls it', () => {
    for (const key of ['rotationPlan', 'rotationLabels', 'read-anomaly-quarantine', 'dispatch']) {
      expect(inPackage(bundle(key).bundled, '@aws-sdk/lib-dynamodb'), key).toEqual([]);
      expect(inPackage(bundle(key).bundled, '@aws-sdk/client-dynamodb'), key).toEqual([]);
    }
    expect(inPackage(bundle('rotationAcquireLock').bundled, '@aws-sdk/lib-dynamodb').length).toBeGreaterThan(0);
  });

  it('load pg only when a step opens a PostgreSQL session', () => {
    for (const key of ['rotationCreatePending', 'rotationTarget', 'remediationDiagnose']) {
      expect(inPackage(bundle(key).bundled, 'pg').length, key).toBeGreaterThan(0);
      expect(inPackage(bundle(key).coldStart, 'pg'), key).toEqual([]);
    }
  });

  it('load the Slack client only when a message is posted', () => {
    for (const key of ['read-anomaly-slack', 'requestApproval']) {
      expect(inPackage(bundle(key).bundled, '@slack/web-api').length, key).toBeGreaterThan(0);
      expect(inPackage(bundle(key).coldStart, '@slack/web-api'), key).toEqual([]);
    }
  });
});

// What each replica-repair function bundles, as `npm run package` bundles it (serverless.yml's custom.esbuild, the
// handlers serverless/replicas.yml names): zod/mini only (classic zod costs ~750 KB at every cold start), and only the
// SDK clients the function calls.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;

type EsbuildSettings = { platform: 'node'; format: 'esm'; target: string; mainFields: string[] };

const bundles = new Map<string, string[]>();

beforeAll(async () => {
  const { platform, format, target, mainFields } = parse(readFileSync(`${ROOT}serverless.yml`, 'utf8')).custom
    .esbuild as EsbuildSettings;
  const functions: Record<string, { handler: string }> = parse(
    readFileSync(`${ROOT}serverless/replicas.yml`, 'utf8'),
  ).functions;
  for (const [key, { handler }] of Object.entries(functions)) {
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: [`${handler.slice(0, handler.lastIndexOf('.'))}.ts`],
      bundle: true,
      write: false,
      outdir: 'out',
      platform,
      format,
      target,
      mainFields,
      metafile: true,
      logLevel: 'silent',
    });
    // What made it into the bundle: tree-shaken modules (a client nothing calls) contribute no bytes.
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
    bundles.set(
      key,
      Object.entries(output?.inputs ?? {})
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
  }
}, 120_000);

const uses = (key: string, pkg: string) => (bundles.get(key) ?? []).some((p) => p.includes(`node_modules/${pkg}/`));

describe('replica-repair bundles', () => {
  it('validates with zod/mini and never bundles classic zod', () => {
    expect(bundles.size).toBe(7);
    for (const [key, inputs] of bundles) {
      expect(
        inputs.filter((p) => p.includes('/zod/v4/classic/')),
        key,
      ).toEqual([]);
    }
  });

  it('bundles only the clients each step calls', () => {
    expect(uses('replicasRecordPage', '@aws-sdk/client-secrets-manager')).toBe(false);
    expect(uses('replicasReport', '@aws-sdk/client-secrets-manager')).toBe(false);
    expect(uses('replicasContinue', '@aws-sdk/client-secrets-manager')).toBe(false);
    expect(uses('replicasContinue', '@aws-sdk/client-sfn')).toBe(true);
    expect(uses('replicasStartRepair', '@aws-sdk/client-sns')).toBe(false);
  });
});

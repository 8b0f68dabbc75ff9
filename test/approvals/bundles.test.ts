// What each approvals function loads at cold start, bundled as `npm run package` bundles it (serverless.yml's
// custom.esbuild, the handlers serverless/approvals.yml names). The Slack door must answer within Slack's 3 s, and no
// function should evaluate a library it does not call: only the function that posts to Slack loads its client, and
// only once it has a channel to post to.
import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;

type EsbuildSettings = { platform: 'node'; format: 'esm'; target: string; mainFields: string[] };

const esbuildSettings = (): EsbuildSettings => parse(readFileSync(`${ROOT}serverless.yml`, 'utf8')).custom.esbuild;
const approvalFunctions = (): Record<string, { handler: string }> =>
  parse(readFileSync(`${ROOT}serverless/approvals.yml`, 'utf8')).functions;

/** The handler's module and every module it imports statically, i.e. what importing the bundle evaluates. */
const loadedAtColdStart = (metafile: Metafile, entry: string): Set<string> => {
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
  return loaded;
};

const bundles = new Map<string, { all: string[]; coldStart: Set<string> }>();

beforeAll(async () => {
  const { platform, format, target, mainFields } = esbuildSettings();
  for (const [key, { handler }] of Object.entries(approvalFunctions())) {
    const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
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
    bundles.set(key, { all: Object.keys(metafile.inputs), coldStart: loadedAtColdStart(metafile, entry) });
  }
}, 60_000);

const modulesOf = (paths: Iterable<string>, pkg: string) =>
  [...paths].filter((p) => p.includes(`node_modules/${pkg}/`));

describe('approvals bundles', () => {
  it('bundles every approvals function', () => {
    expect([...bundles.keys()].sort()).toEqual([
      'approvalLink',
      'approvalSlack',
      'approve',
      'checkApproval',
      'requestApproval',
    ]);
  });

  it('keeps the Slack client out of the functions that only decide or verify signatures', () => {
    for (const key of ['approve', 'approvalLink', 'approvalSlack', 'checkApproval']) {
      expect(modulesOf(bundles.get(key)?.all ?? [], '@slack/web-api'), key).toEqual([]);
    }
  });

  it('loads the Slack client in requestApproval only on first use, not at cold start', () => {
    const request = bundles.get('requestApproval');

    expect(modulesOf(request?.all ?? [], '@slack/web-api').length).toBeGreaterThan(0);
    expect(modulesOf(request?.coldStart ?? [], '@slack/web-api')).toEqual([]);
  });

  it('validates with zod/mini and never loads classic zod', () => {
    for (const [key, bundle] of bundles) {
      expect(
        modulesOf(bundle.all, 'zod').filter((p) => p.includes('/zod/v4/classic/')),
        key,
      ).toEqual([]);
    }
  });
});

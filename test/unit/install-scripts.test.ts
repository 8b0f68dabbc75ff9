// `npm ci` on a bare clone must install the Node 24 the scripts run on (the `node` package's preinstall) and esbuild's
// binary. npm 12 skips every dependency install script that package.json's `allowScripts` does not approve, and npm 11
// warns about them: this guard keeps a decision on record for each package of the lockfile that has one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The names of the lockfile's packages whose install scripts npm runs (or, from npm 12, skips unless approved). */
const withInstallScripts = (lock: Record<string, unknown>): string[] => {
  const packages = (lock.packages ?? {}) as Record<string, { hasInstallScript?: boolean }>;
  const names = Object.entries(packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
};

describe('install scripts', () => {
  const allowScripts = (read('package.json').allowScripts ?? {}) as Record<string, boolean>;

  it('has an allow or deny decision in package.json for every locked package with an install script', () => {
    const names = withInstallScripts(read('package-lock.json'));

    expect(names).toContain('node');
    expect(names.filter((name) => typeof allowScripts[name] !== 'boolean')).toEqual([]);
  });

  it('allows the scripts the toolchain needs: the Node 24 binary, esbuild and the local store', () => {
    expect(allowScripts).toMatchObject({ node: true, esbuild: true, 'classic-level': true });
  });
});

// A fresh clone must run its tests, scripts and benchmarks with nothing beside it: data the project needs is copied
// into the repository (test/data/, with its source and licence). This guard reads every file under the code folders
// and fails on any reference that leaves the checkout.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['functions', 'local', 'scripts', 'test', '.ci'];
// Generated or installed folders that are not the project's source.
const SKIPPED_DIRS = new Set(['node_modules', '.smcp', '.serverless', '.esbuild', '.vitest']);

// A quoted relative path ('../x', "./x", `../x/${y}`): resolved from the file's folder, as imports and
// `new URL(path, import.meta.url)` do. Paths joined from several literals are checked piece by piece.
const RELATIVE_LITERAL = /(['"`])(\.\.?(?:\/[^'"`\s]*)?)\1/g;
// Absolute paths into the machine this was built on, and the shared data folder that sat beside the checkout. Written
// escaped, so this file does not match itself.
const OUTSIDE_MENTIONS = [/\/work\//, /\/home\//, /\/root\//, /\/mnt\//, /shared\/data/];

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The references in one file (path relative to ROOT) that point outside the repository. */
const outsideReferences = (file: string, text: string): Finding[] => {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, index) => {
    const at = { file, line: index + 1 };
    for (const [, , path = ''] of line.matchAll(RELATIVE_LITERAL)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), path.split('${')[0] ?? ''));
      if (target === '..' || target.startsWith('../')) findings.push({ ...at, text: path });
    }
    for (const pattern of OUTSIDE_MENTIONS) {
      const match = pattern.exec(line);
      if (match) findings.push({ ...at, text: match[0] });
    }
  });
  return findings;
};

const sourceFiles = (): string[] =>
  SCANNED.flatMap((folder) => {
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(path);
        return entry.isFile() ? [path] : [];
      });
    return walk(folder);
  });

const textOf = (file: string): string | undefined => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return text.includes('\0') ? undefined : text;
};

describe('self-contained repository', () => {
  it('refers to nothing outside the checkout from functions/, local/, scripts/, test/ or .ci/', () => {
    const files = sourceFiles();

    const findings = files.flatMap((file) => {
      const text = textOf(file);
      return text === undefined ? [] : outsideReferences(file, text);
    });

    expect(files.length).toBeGreaterThan(100);
    expect(findings.map(({ file, line, text }) => `${file}:${line} ${text}`)).toEqual([]);
  });

  it('flags a data path that climbs out of the checkout, and an absolute path into the build machine', () => {
    const file = 'test/support/events.ts';
    // Assembled at run time so that this file's own text stays clean.
    const climb = ['..', '..', '..', 'shared', ''].join('/');
    const absolute = ['', 'work', 'shared', 'data', 'x'].join('/');
    const clean = (text: string): string => text.replaceAll('#', '/');

    const climbing = outsideReferences(file, `new URL('${climb}', import.meta.url)`);
    const pinned = outsideReferences(file, `const a = 1;\nconst p = '${absolute}';`);
    const inside = outsideReferences(file, "import { a } from '../../functions/shared/x.ts';\nnew URL('../data/x', u)");

    expect(climbing.map((finding) => finding.text)).toEqual([climb]);
    expect(pinned.map(({ line, text }) => `${line} ${text}`)).toEqual(['2 #work#', '2 shared#data'].map(clean));
    expect(inside).toEqual([]);
  });
});

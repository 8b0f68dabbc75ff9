// The console's page, script and styles, bundled by esbuild from ui/ the first time the console is opened and kept
// for the life of the process. Everything the page runs (uPlot, dagre) comes from node_modules: nothing is fetched
// from the internet, and the console works offline.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ConsoleAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

const UI = fileURLToPath(new URL('./ui/', import.meta.url));

let built: Promise<ConsoleAssets> | undefined;

const build = async (): Promise<ConsoleAssets> => {
  // esbuild is a devDependency, like the rest of the local cloud: imported only when the console is opened.
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: { app: `${UI}main.ts` },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: 'out',
    loader: { '.css': 'css' },
    logLevel: 'silent',
    legalComments: 'none',
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { html: readFileSync(`${UI}index.html`, 'utf8'), js: file('.js'), css: file('.css') };
};

/** The assets, built once; a failed build is retried on the next request. */
const consoleAssets = (): Promise<ConsoleAssets> => {
  if (!built) {
    built = build();
    built.catch(() => {
      built = undefined;
    });
  }
  return built;
};

export type { ConsoleAssets };
export { consoleAssets };

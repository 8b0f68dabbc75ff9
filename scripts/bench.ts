// `npm run bench -- <name> [options]`: runs scripts/bench/<name>.ts; with no name, every benchmark in turn.
// Each writes its figures to bench-results/<name>.json.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Bench = { main?: (args: string[]) => Promise<void> };

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
// Modules without a `main` (shared helpers, the NAB scorer's library part) are not benchmarks.
const HELPERS = new Set(['support', 'nab-scoring', 'pipeline-cost']);
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !HELPERS.has(name))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (name && !available.includes(name) && !HELPERS.has(name)) {
  console.error(`Unknown benchmark "${name}". Available: ${available.join(', ')}`);
  process.exit(2);
}
for (const bench of name ? [name] : available) {
  const mod = (await import(`./bench/${bench}.ts`)) as Bench;
  if (typeof mod.main !== 'function') throw new Error(`scripts/bench/${bench}.ts has no main()`);
  await mod.main(name ? args : []);
}

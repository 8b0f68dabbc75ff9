// `npm run bench -- <name> [options]`: runs scripts/bench/<name>.ts and writes its figures to bench-results/.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
const chosen = name ? [name] : available;
for (const bench of chosen) {
  if (!available.includes(bench)) {
    console.error(`Unknown benchmark "${bench}". Available: ${available.join(', ')}`);
    process.exit(2);
  }
}
for (const bench of chosen) {
  const mod = (await import(`./bench/${bench}.ts`)) as { main: (args: string[]) => Promise<void> };
  await mod.main(name ? args : []);
}

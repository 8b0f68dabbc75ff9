// `npm run bench -- fuzz [--cases N] [--seed S] [--target dispatch|endpoint]`: the fuzz targets of test/fuzz/ run at
// length (npm test runs a few hundred cases of each). Dispatch: arbitrary JSON and mutated real events through the
// dispatcher's business function. Endpoint: arbitrary requests of every protocol against a local cloud in this process,
// restarted every CHUNK cases so its state (what the successful requests created) stays small, on the same port: the
// handlers are imported once per process and their SDK clients keep the endpoint they were built with. A crash is a
// rejection or exception nobody handled while a target ran; a failure is any case whose check found a fault (a 5xx,
// a malformed error, an error that changed state, an endpoint that stopped answering). Figures: cases, failures (the
// distinct problems with a case for each), crashes, time.
import fc from 'fast-check';
import { checkDispatch, dispatchInputs } from '../../test/fuzz/dispatch-target.ts';
import { startFuzzCloud } from '../../test/fuzz/endpoint-target.ts';
import { writeFigures } from './support.ts';

const TARGETS = ['dispatch', 'endpoint'] as const;
type Target = (typeof TARGETS)[number];
const DEFAULT_CASES = 10_000;
const CHUNK = 1_000;
// How many distinct problems are kept, each with the first case that showed it.
const KEEP = 20;

interface Options {
  readonly cases: number;
  readonly seed: number;
  readonly targets: readonly Target[];
}

const usage = (message: string): never => {
  console.error(`${message}\nUsage: npm run bench -- fuzz [--cases N] [--seed S] [--target dispatch|endpoint]`);
  process.exit(2);
};

const parseArgs = (args: string[]): Options => {
  let cases = DEFAULT_CASES;
  let seed = Date.now() % 2 ** 31;
  let targets: readonly Target[] = TARGETS;
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--cases' || flag === '--seed') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < (flag === '--cases' ? 1 : 0)) usage(`${flag} takes a whole number`);
      if (flag === '--cases') cases = n;
      else seed = n;
      i++;
    } else if (flag === '--target') {
      if (!TARGETS.includes(value as Target)) usage(`--target is one of ${TARGETS.join(', ')}`);
      targets = [value as Target];
      i++;
    } else {
      usage(`Unknown option "${flag}"`);
    }
  }
  return { cases, seed, targets };
};

/** What a target's run found: distinct problems (cut to their first 120 characters) with a count and a case each. */
const createTally = () => {
  const problems = new Map<string, { count: number; example: string }>();
  let failures = 0;
  return {
    add(problem: string, input: unknown) {
      failures++;
      const key = problem.slice(0, 120);
      const seen = problems.get(key);
      if (seen) seen.count++;
      else if (problems.size < KEEP) problems.set(key, { count: 1, example: fc.stringify(input).slice(0, 600) });
    },
    get failures() {
      return failures;
    },
    distinct: () => [...problems].map(([problem, { count, example }]) => ({ problem, count, example })),
  };
};

type Tally = ReturnType<typeof createTally>;

/** Counts rejections and exceptions nobody handled while `run` runs (a crash of the process without this). */
const watchingCrashes = async <T>(crashes: string[], run: () => Promise<T>): Promise<T> => {
  const onCrash = (error: unknown) => {
    crashes.push(
      error instanceof Error ? `${error.name}: ${(error.stack ?? '').split('\n')[1]?.trim()}` : String(error),
    );
  };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  try {
    return await run();
  } finally {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  }
};

const runProperty = async <T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<string | undefined>,
  tally: Tally,
  numRuns: number,
  seed: number,
) => {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const problem = await check(input);
      if (problem) tally.add(problem, input);
      // Every case runs: a failure is tallied, not shrunk, so one run counts them all.
      return true;
    }),
    { numRuns, seed },
  );
};

const fuzzDispatch = (tally: Tally, cases: number, seed: number) =>
  runProperty(dispatchInputs, checkDispatch, tally, cases, seed);

const fuzzEndpoint = async (tally: Tally, cases: number, seed: number, progress: (done: number) => void) => {
  let port = 0;
  for (let done = 0; done < cases; done += CHUNK) {
    const fuzz = await startFuzzCloud({ port });
    port = Number(new URL(fuzz.cloud.url).port);
    try {
      await runProperty(fuzz.requests, fuzz.check, tally, Math.min(CHUNK, cases - done), seed + done);
    } finally {
      await fuzz.stop();
    }
    progress(Math.min(done + CHUNK, cases));
  }
};

const main = async (args: string[]) => {
  const { cases, seed, targets } = parseArgs(args);
  const results: Record<string, unknown> = {};
  // Written after every chunk too, marked incomplete, so a long run cut short still leaves what it measured.
  const write = (complete: boolean) =>
    writeFigures('fuzz', { seed, node: process.version, date: new Date().toISOString(), complete, targets: results });
  for (const target of targets) {
    const started = performance.now();
    const crashes: string[] = [];
    const tally = createTally();
    const record = (done: number, restarts: number) => {
      const seconds = (performance.now() - started) / 1000;
      results[target] = {
        cases: done,
        failures: tally.failures,
        crashes: crashes.length,
        crashSamples: crashes.slice(0, 5),
        problems: tally.distinct(),
        ...(target === 'endpoint' && { cloudRestarts: restarts, casesPerCloud: CHUNK }),
        seconds: Number(seconds.toFixed(1)),
        casesPerSecond: Number((done / seconds).toFixed(1)),
      };
    };
    let restarts = 0;
    await watchingCrashes(crashes, () =>
      target === 'dispatch'
        ? fuzzDispatch(tally, cases, seed)
        : fuzzEndpoint(tally, cases, seed, (done) => {
            record(done, restarts++);
            write(false);
            console.log(`  endpoint: ${done} / ${cases} cases, ${tally.failures} failures, ${crashes.length} crashes`);
          }),
    );
    record(cases, Math.max(0, restarts - 1));
    const { seconds } = results[target] as { seconds: number };
    console.log(`fuzz ${target}: ${cases} cases, ${tally.failures} failures, ${crashes.length} crashes, ${seconds} s`);
    for (const { problem, count } of tally.distinct()) console.log(`  ${count} × ${problem}`);
  }
  console.log(`  figures written to ${write(true)}`);
};

export { main };

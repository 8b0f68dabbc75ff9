// Cold start as a new user meets it: each function's packaged bundle imported in a fresh Node process, against a
// "bare clients" bundle that only imports and constructs the SDK clients the function calls (built with the same
// esbuild options). The ratio is what the function's own code, libraries and unused clients add to the SDK's floor.
//
// Faithful to `npm run package`: the service is packaged with `serverless package` into a temporary folder and each
// function's zip is unpacked, so the bundle timed is the bundle deployed. Each distinct handler file is then rebuilt
// with the resolved `custom.esbuild` options (its plugins loaded as serverless-esbuild loads them) plus a metafile and
// checked byte for byte against the packaged one: the metafile then says exactly what the deployed bundle holds (which
// SDK clients, which packages, how many bytes). A "floor" pair rides along: the wiring every validating function has
// (step() with one zod/mini schema) over one Secrets Manager client, against that client alone.
//
// Timing: the child takes `process.hrtime` around `await import(url)` (the Lambda runtime's own init is an
// `import()` of the handler module), so Node's start-up, common to both sides, does not dilute the ratio; the
// spawn-to-exit time is recorded alongside. Runs are paired and interleaved (A, B, B, A, … over all functions per
// round) and each side's median is kept, so machine noise lands on both sides alike.
//
// `npm run bench -- cold-start [--rounds N] [--package DIR]` (DIR: reuse a `serverless package --package DIR` output).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { writeFigures } from './support.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOAL = 1.1;
const METHOD =
  'serverless package, each zip unpacked; a fresh node per import, process.hrtime (and process.cpuUsage) around ' +
  'await import(url); paired with a bundle that only constructs the SDK clients whose commands the function ' +
  'bundles (same esbuild options); A/B then B/A over rounds, median per side';

// serverless-esbuild's own options, which it strips before calling esbuild (node_modules/serverless-esbuild/dist/bundle.js).
const PLUGIN_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
];
const ENTRY_EXTENSIONS = ['.ts', '.js', '.mts', '.mjs'];

interface Fn {
  readonly key: string;
  /** The handler's source file, relative to the service root (functions/rotation/handler-lock.ts). */
  readonly entry: string;
  readonly artifact: string;
  readonly environment: Record<string, string>;
}

interface Bundle {
  readonly entry: string;
  readonly functions: Fn[];
  /** The unpacked bundle file and its size. */
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly zipBytes: number;
  /** SDK client packages whose commands the bundle holds (what the function calls). */
  readonly clients: string[];
  /** SDK client packages present at all (a client bundled without a command is one the function never calls). */
  readonly bundledClients: string[];
  readonly packages: Map<string, number>;
  bare?: {
    /** What the function is paired with: its SDK clients, or (calling none) the wiring floor without a client. */
    reference: 'clients' | 'wiring';
    file: string;
    bytes: number;
    mapBytes: number;
    packages: Map<string, number>;
  };
}

interface Sample {
  readonly importMs: number;
  readonly cpuMs: number;
  readonly processMs: number;
}

// ---- package and unpack, as `npm run package` does ----

const packageService = async (dir: string) => {
  const started = Date.now();
  await run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--package', dir], {
    cwd: ROOT,
    // No credentials at package time, like the packaged-template test.
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'smcp-no-such-profile' },
    maxBuffer: 64 * 1024 * 1024,
  });
  console.log(`packaged the service in ${((Date.now() - started) / 1000).toFixed(1)} s`);
};

/** The parts of `.serverless/serverless-state.json` (the resolved service) read here. */
interface State {
  service: {
    custom: { esbuild: Record<string, unknown> };
    functions: Record<string, { handler: string; name: string; package: { artifact: string } }>;
  };
}

const resolveEntry = (handler: string): string => {
  const stem = handler.slice(0, handler.lastIndexOf('.'));
  const found = ENTRY_EXTENSIONS.map((ext) => `${stem}${ext}`).find((file) => existsSync(join(ROOT, file)));
  if (!found) throw new Error(`cold-start: no source file for handler ${handler}`);
  return found;
};

/** CloudFormation values (Ref, Fn::GetAtt, Fn::Sub) have no value before deploy: a placeholder stands in. */
const environmentOf = (variables: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `cold-start-${name}`,
    ]),
  );

const readFunctions = (dir: string): { functions: Fn[]; esbuildOptions: Record<string, unknown> } => {
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as State;
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: { FunctionName?: string; Environment?: { Variables?: Record<string, unknown> } } }
    >;
  };
  const lambdas = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  const functions = Object.entries(state.service.functions).map(([key, fn]) => {
    const resource = lambdas.find((r) => r.Properties.FunctionName === fn.name);
    if (!resource) throw new Error(`cold-start: no AWS::Lambda::Function named ${fn.name} in the template`);
    return {
      key,
      entry: resolveEntry(fn.handler),
      artifact: join(dir, basename(fn.package.artifact)),
      environment: environmentOf(resource.Properties.Environment?.Variables),
    };
  });
  return { functions, esbuildOptions: state.service.custom.esbuild };
};

/** custom.esbuild.plugins, loaded as serverless-esbuild loads it (a file, relative to the service, that require() reads). */
const pluginsOf = (custom: Record<string, unknown>): esbuild.Plugin[] => {
  const { plugins } = custom;
  if (plugins === undefined) return [];
  if (typeof plugins !== 'string') throw new Error('cold-start: custom.esbuild.plugins must name a file');
  return createRequire(import.meta.url)(join(ROOT, plugins)) as esbuild.Plugin[];
};

/** The options serverless-esbuild hands to esbuild for one entry (see its dist/bundle.js). */
const buildOptionsOf = (custom: Record<string, unknown>): esbuild.BuildOptions => {
  const options: Record<string, unknown> = { ...custom, plugins: pluginsOf(custom) };
  for (const key of PLUGIN_OPTIONS) delete options[key];
  const exclude = Array.isArray(custom.exclude) ? (custom.exclude as string[]) : ['aws-sdk'];
  options.external = [...((custom.external as string[] | undefined) ?? []), ...(exclude.includes('*') ? [] : exclude)];
  const extension = (custom.outputFileExtension as string | undefined) ?? '.js';
  if (extension !== '.js') options.outExtension = { '.js': extension };
  return options as esbuild.BuildOptions;
};

// ---- what a bundle holds ----

/** `node_modules/@aws-sdk/client-sqs/dist-es/x.js` → `@aws-sdk/client-sqs`; own code → `functions/<area>`. */
const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('functions/') ? input.split('/').slice(0, 2).join('/') : input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
};

const SDK_CLIENT = /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/;

const contentsOf = (metafile: esbuild.Metafile) => {
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('js'))?.[1];
  if (!output) throw new Error('cold-start: the metafile has no JavaScript output');
  const packages = new Map<string, number>();
  const withCommands = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const pkg = packageOf(input);
    packages.set(pkg, (packages.get(pkg) ?? 0) + bytesInOutput);
    if (SDK_CLIENT.test(pkg) && /\/dist-[a-z]+\/commands\/[A-Za-z]+Command\.js$/.test(input)) withCommands.add(pkg);
  }
  const bundled = [...packages.keys()].filter((pkg) => SDK_CLIENT.test(pkg)).sort();
  return { packages, clients: [...withCommands].sort(), bundledClients: bundled };
};

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** Unpacks one zip per handler file and rebuilds it with a metafile, checking the rebuild is the packaged bundle. */
const inspect = async (functions: Fn[], custom: Record<string, unknown>, work: string): Promise<Bundle[]> => {
  const options = buildOptionsOf(custom);
  const extension = (custom.outputFileExtension as string | undefined) ?? '.js';
  const byEntry = new Map<string, Fn[]>();
  for (const fn of functions) byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), fn]);
  const bundles: Bundle[] = [];
  for (const [entry, fns] of byEntry) {
    const [first] = fns as [Fn];
    const unpacked = join(work, 'functions', first.key);
    mkdirSync(unpacked, { recursive: true });
    await run('unzip', ['-q', '-o', first.artifact, '-d', unpacked]);
    const file = join(unpacked, entry.replace(/\.[^.]+$/, extension));
    for (const other of fns.slice(1)) {
      // Functions sharing a handler file share one bundle (serverless-esbuild builds each file once).
      const check = join(work, 'check', other.key);
      mkdirSync(check, { recursive: true });
      await run('unzip', ['-q', '-o', other.artifact, '-d', check]);
      if (sha(join(check, relative(unpacked, file))) !== sha(file)) {
        throw new Error(`cold-start: ${other.key} and ${first.key} share ${entry} but ship different bundles`);
      }
    }
    const outdir = join(work, 'rebuild', dirname(entry));
    const result = await esbuild.build({
      ...options,
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outdir,
      metafile: true,
      logLevel: 'silent',
    });
    const rebuilt = join(outdir, basename(file));
    if (sha(rebuilt) !== sha(file)) {
      throw new Error(`cold-start: rebuilding ${entry} with custom.esbuild does not give the packaged bundle`);
    }
    bundles.push({
      entry,
      functions: fns,
      file,
      bytes: sizeOf(file),
      mapBytes: sizeOf(`${file}.map`),
      zipBytes: sizeOf(first.artifact),
      ...contentsOf(result.metafile),
    });
  }
  return bundles;
};

// ---- the bare-clients bundle ----

/** The client classes a package exports (`SecretsManagerClient`), found by loading it, not from a hand-kept list. */
const clientClassesOf = async (pkg: string): Promise<string[]> => {
  const mod = (await import(pkg)) as Record<string, unknown>;
  return Object.keys(mod).filter((name) => /^[A-Z][A-Za-z0-9]*Client$/.test(name) && typeof mod[name] === 'function');
};

const bareSource = async (clients: string[]): Promise<string> => {
  const lines: string[] = [];
  const built: string[] = [];
  const usesDocument = clients.includes('@aws-sdk/lib-dynamodb');
  for (const pkg of clients) {
    if (pkg === '@aws-sdk/lib-dynamodb') continue;
    const classes = (await clientClassesOf(pkg)).filter((name) => name !== 'DynamoDBDocumentClient');
    if (classes.length !== 1) throw new Error(`cold-start: ${pkg} exports ${classes.length} client classes`);
    const [name] = classes as [string];
    lines.push(`import { ${name} } from '${pkg}';`);
    built.push(
      usesDocument && name === 'DynamoDBClient' ? `DynamoDBDocumentClient.from(new ${name}({}))` : `new ${name}({})`,
    );
  }
  if (usesDocument) {
    lines.push(`import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';`);
    if (!clients.includes('@aws-sdk/client-dynamodb')) {
      lines.push(`import { DynamoDBClient } from '@aws-sdk/client-dynamodb';`);
      built.push('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
    }
  }
  lines.push(`export const clients = [${built.join(', ')}];`);
  return `${lines.join('\n')}\n`;
};

/**
 * A function that calls no SDK client (Record The Page) has no client floor: an empty bundle would make any ratio
 * meaningless. Its reference is the wiring every validating function has instead (the floor's function side without
 * its client), so its ratio says what its own code adds to that.
 */
const WIRING_SOURCE = `
import * as z from 'zod/mini';
import { createLogger } from './functions/shared/logger.ts';
import './functions/shared/zod-locale.ts';
import { step } from './functions/shared/step.ts';
const schema = z.object({ secretId: z.string().check(z.minLength(1), z.maxLength(2048)), owner: z.string() });
export const handler = step({ logger: createLogger(), schema, handler: async (input) => ({ input }) });
`;

const buildBare = async (bundle: Bundle, custom: Record<string, unknown>, work: string) => {
  const extension = (custom.outputFileExtension as string | undefined) ?? '.js';
  const file = join(work, 'bare', bundle.functions[0]?.key ?? 'bare', `bare-clients${extension}`);
  const wiring = bundle.clients.length === 0;
  const result = await esbuild.build({
    ...buildOptionsOf(custom),
    outExtension: undefined,
    absWorkingDir: ROOT,
    stdin: {
      contents: wiring ? WIRING_SOURCE : await bareSource(bundle.clients),
      resolveDir: ROOT,
      sourcefile: wiring ? 'wiring.js' : 'bare-clients.js',
      loader: 'js',
    },
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  bundle.bare = {
    reference: wiring ? 'wiring' : 'clients',
    file,
    bytes: sizeOf(file),
    mapBytes: sizeOf(`${file}.map`),
    packages: contentsOf(result.metafile).packages,
  };
};

// ---- the floor: what every validating function carries whatever its own code ----

/**
 * The wiring every function with a schema has (Powertools logger, middy, the parser middleware, functions/shared/step.ts,
 * zod/mini with the English locale) around one two-field schema, with one Secrets Manager client; its bare side is
 * that client alone. Its ratio is the least a function calling only Secrets Manager can get.
 */
const FLOOR_SOURCE = `
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { createLogger } from './functions/shared/logger.ts';
import './functions/shared/zod-locale.ts';
import { step } from './functions/shared/step.ts';
const client = new SecretsManagerClient({});
const schema = z.object({ secretId: z.string().check(z.minLength(1), z.maxLength(2048)), owner: z.string() });
export const handler = step({ logger: createLogger(), schema, handler: async (input) => ({ input, client }) });
`;

/** `environment`: a real function's (serverless.yml's provider environment, NODE_OPTIONS included). */
const buildFloor = async (
  custom: Record<string, unknown>,
  work: string,
  environment: Record<string, string>,
): Promise<Bundle> => {
  const extension = (custom.outputFileExtension as string | undefined) ?? '.js';
  const file = join(work, 'floor', `floor${extension}`);
  const result = await esbuild.build({
    ...buildOptionsOf(custom),
    outExtension: undefined,
    absWorkingDir: ROOT,
    stdin: { contents: FLOOR_SOURCE, resolveDir: ROOT, sourcefile: 'floor.js', loader: 'js' },
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const floor: Bundle = {
    entry: '(floor)',
    functions: [{ key: '(floor)', entry: '(floor)', artifact: '', environment }],
    file,
    bytes: sizeOf(file),
    mapBytes: sizeOf(`${file}.map`),
    zipBytes: 0,
    ...contentsOf(result.metafile),
    // It sends no command, so the metafile cannot tell which client it calls.
    clients: ['@aws-sdk/client-secrets-manager'],
  };
  await buildBare(floor, custom, work);
  return floor;
};

// ---- timing ----

// CPU time is taken alongside: on a busy machine it moves less than wall time, so it is the cross-check.
const CHILD = `
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
await import(process.argv[1]);
const importMs = Number(process.hrtime.bigint() - started) / 1e6;
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ importMs, cpuMs: (user + system) / 1000 }));
`;

/** What the Lambda runtime sets, plus the function's own environment (NODE_OPTIONS=--enable-source-maps included). */
const childEnv = (fn: Fn): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'cold-start',
  AWS_SECRET_ACCESS_KEY: 'cold-start',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: fn.key,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  ...fn.environment,
});

const importOnce = async (file: string, env: NodeJS.ProcessEnv): Promise<Sample> => {
  const started = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
    cwd: dirname(file),
    env,
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { importMs, cpuMs } = JSON.parse(stdout) as { importMs: number; cpuMs: number };
  return { importMs, cpuMs, processMs };
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

const argValue = (args: string[], flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};

/** Packages in the function's bundle beyond what its bare-clients bundle holds, largest first. */
const extraPackages = (bundle: Bundle): [string, number][] =>
  [...bundle.packages]
    .map(([pkg, bytes]): [string, number] => [pkg, bytes - (bundle.bare?.packages.get(pkg) ?? 0)])
    .filter(([, bytes]) => bytes > 1024)
    .sort((a, b) => b[1] - a[1]);

const unusedClients = (bundle: Bundle) => bundle.bundledClients.filter((pkg) => !bundle.clients.includes(pkg));

interface Sides {
  readonly fn: Sample[];
  readonly bare: Sample[];
}

/** A, B, B, A, …: each round alternates which side goes first and walks the bundles the other way. */
const measure = async (bundles: Bundle[], rounds: number): Promise<Map<Bundle, Sides>> => {
  const samples = new Map<Bundle, Sides>(bundles.map((b) => [b, { fn: [], bare: [] }]));
  const env = (bundle: Bundle) => childEnv(bundle.functions[0] as Fn);
  // One untimed pass: the page cache holds every file before the first timed import.
  for (const bundle of bundles) {
    await importOnce(bundle.file, env(bundle));
    await importOnce(bundle.bare?.file ?? '', env(bundle));
  }
  for (let r = 0; r < rounds; r++) {
    for (const bundle of r % 2 === 0 ? bundles : [...bundles].reverse()) {
      const side = samples.get(bundle) as Sides;
      const pair = [
        async () => side.fn.push(await importOnce(bundle.file, env(bundle))),
        async () => side.bare.push(await importOnce(bundle.bare?.file ?? '', env(bundle))),
      ];
      for (const one of r % 2 === 0 ? pair : pair.reverse()) await one();
    }
    if (process.stdout.isTTY) process.stdout.write(`round ${r + 1}/${rounds}\r`);
  }
  return samples;
};

/**
 * `floorCpuRatio`: the floor pair's CPU ratio in the same run. A function's `cpuVsFloor` is its CPU ratio over the
 * floor's (what it costs beyond the least a validating function can cost); paired with the wiring, its CPU ratio is
 * that already.
 */
const figuresOf = (bundles: Bundle[], samples: Map<Bundle, Sides>, floorCpuRatio = 1) => {
  const figures: Record<string, Record<string, unknown>> = {};
  for (const bundle of bundles) {
    const { fn, bare } = samples.get(bundle) as Sides;
    const of = (side: Sample[], key: keyof Sample) => median(side.map((s) => s[key]));
    const cpuRatio = of(fn, 'cpuMs') / of(bare, 'cpuMs');
    const wiring = bundle.bare?.reference === 'wiring';
    for (const { key } of bundle.functions) {
      figures[key] = {
        ratio: round3(of(fn, 'importMs') / of(bare, 'importMs')),
        importMs: round2(of(fn, 'importMs')),
        bareMs: round2(of(bare, 'importMs')),
        bytes: bundle.bytes,
        bareBytes: bundle.bare?.bytes ?? 0,
        cpuRatio: round3(cpuRatio),
        cpuVsFloor: round3(wiring ? cpuRatio : cpuRatio / floorCpuRatio),
        reference: bundle.bare?.reference ?? 'clients',
        cpuMs: round2(of(fn, 'cpuMs')),
        bareCpuMs: round2(of(bare, 'cpuMs')),
        processMs: round2(of(fn, 'processMs')),
        bareProcessMs: round2(of(bare, 'processMs')),
        mapBytes: bundle.mapBytes,
        bareMapBytes: bundle.bare?.mapBytes ?? 0,
        zipBytes: bundle.zipBytes,
        handlerFile: bundle.entry,
        clients: bundle.clients,
        unusedClients: unusedClients(bundle),
        extraPackages: Object.fromEntries(extraPackages(bundle)),
      };
    }
  }
  return Object.entries(figures).sort((a, b) => (b[1].cpuRatio as number) - (a[1].cpuRatio as number));
};

const worstBy = (rows: [string, Record<string, unknown>][], field: 'ratio' | 'cpuRatio' | 'cpuVsFloor') => {
  const [key, f] = rows.reduce((a, b) => ((b[1][field] as number) > (a[1][field] as number) ? b : a));
  return { function: key, [field]: f[field] };
};

const print = (rows: [string, Record<string, unknown>][], bundles: Bundle[], rounds: number) => {
  console.log(`\ncold start, ${rounds} paired rounds, Node ${process.version} (import() in a fresh process, medians)`);
  const header = [
    'function'.padEnd(26),
    'ratio',
    'import ms',
    'bare ms',
    'cpu ratio',
    'vs floor',
    '  bundle',
    '    bare',
    'clients',
  ];
  console.log(header.join('  '));
  for (const [key, f] of rows) {
    const cells = [
      key.padEnd(26),
      (f.ratio as number).toFixed(2).padStart(5),
      String(f.importMs).padStart(9),
      String(f.bareMs).padStart(7),
      (f.cpuRatio as number).toFixed(2).padStart(9),
      (f.cpuVsFloor as number).toFixed(2).padStart(8),
      kb(f.bytes as number).padStart(8),
      kb(f.bareBytes as number).padStart(8),
      f.reference === 'wiring'
        ? '(none: paired with the wiring)'
        : (f.clients as string[]).map((c) => c.replace('@aws-sdk/', '')).join(', '),
    ];
    console.log(cells.join('  '));
  }
  console.log('\nbeyond the bare clients (per handler file, packages > 1 KB):');
  for (const bundle of bundles) {
    const extra = extraPackages(bundle).map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`);
    const unused = unusedClients(bundle);
    console.log(`${bundle.entry}: ${extra.join(', ')}${unused.length ? ` | never called: ${unused.join(', ')}` : ''}`);
  }
};

const main = async (args: string[]) => {
  const rounds = Number(argValue(args, '--rounds') ?? 15);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number ≥ 1');
  const work = mkdtempSync(join(tmpdir(), 'smcp-cold-start-'));
  try {
    const reused = argValue(args, '--package');
    const packaged = reused ?? join(work, 'package');
    if (!reused) await packageService(packaged);
    const { functions, esbuildOptions } = readFunctions(packaged);
    const bundles = await inspect(functions, esbuildOptions, work);
    for (const bundle of bundles) await buildBare(bundle, esbuildOptions, work);
    const floorBundle = await buildFloor(esbuildOptions, work, functions[0]?.environment ?? {});
    const loadBefore = loadavg()[0] as number;
    const samples = await measure([...bundles, floorBundle], rounds);
    const [[, floor] = ['', {}]] = figuresOf([floorBundle], samples);
    const rows = figuresOf(bundles, samples, floor.cpuRatio as number);
    const load = { before: round2(loadBefore), after: round2(loadavg()[0] as number), cores: availableParallelism() };
    const worst = worstBy(rows, 'ratio');
    const worstCpu = worstBy(rows, 'cpuRatio');
    const worstVsFloor = worstBy(rows, 'cpuVsFloor');
    const missing = rows.filter(([, f]) => (f.cpuVsFloor as number) > GOAL).map(([key]) => key);
    const file = writeFigures('cold-start', {
      method: METHOD,
      node: process.version,
      rounds,
      load,
      goal: GOAL,
      esbuild: esbuildOptions,
      worst,
      worstCpu,
      worstVsFloor,
      overGoalVsFloor: missing,
      floor: { what: 'SecretsManagerClient + step() + one zod/mini schema, against the client alone', ...floor },
      functions: Object.fromEntries(rows),
    });
    print(rows, bundles, rounds);
    console.log(
      `\nfloor (Secrets Manager client + step() + one zod/mini schema): ${(floor.cpuRatio as number).toFixed(2)}× CPU, ${(floor.ratio as number).toFixed(2)}× wall`,
    );
    if (Math.max(load.before, load.after) > load.cores) {
      // Waiting for a core lands on whichever side happened to be running: read the CPU ratio instead.
      console.log(`\nload average ${load.before} → ${load.after} on ${load.cores} cores: the wall ratios are noisy`);
    }
    console.log(
      `\nworst ${worst.function} ${(worst.ratio as number).toFixed(2)}× wall, ${worstCpu.function} ${(worstCpu.cpuRatio as number).toFixed(2)}× CPU, ${worstVsFloor.function} ${(worstVsFloor.cpuVsFloor as number).toFixed(2)}× the floor's CPU ratio (goal ≤ ${GOAL}×); figures in ${file}`,
    );
    console.log(
      missing.length ? `over ${GOAL}× the floor: ${missing.join(', ')}` : `every function within ${GOAL}× the floor`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

export { main };

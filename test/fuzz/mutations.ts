// Mutations of real events for fuzzing: a field dropped, retyped, made oversized, given unicode text or buried under
// deep nesting, at a path chosen among every path of the value. Each mutation is plain data (fast-check shrinks it), and
// applying one never recurses, so a mutation thousands of levels deep is built as cheaply as a shallow one.
import fc from 'fast-check';

type Path = readonly (string | number)[];

type Mutation =
  | { readonly kind: 'drop' }
  | { readonly kind: 'retype'; readonly value: unknown }
  | { readonly kind: 'oversize'; readonly length: number }
  | { readonly kind: 'unicode'; readonly text: string }
  | { readonly kind: 'deepen'; readonly depth: number; readonly as: 'array' | 'object' };

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  value !== null && typeof value === 'object';

/** Every path into `value` (the root first), walked with a stack of its own. */
const pathsOf = (value: unknown): Path[] => {
  const out: Path[] = [];
  const stack: { value: unknown; path: Path }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: Path };
    out.push(path);
    if (!isContainer(current) || path.length > 12) continue;
    const entries = Array.isArray(current) ? current.map((v, i) => [i, v] as const) : Object.entries(current);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return out;
};

const get = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (at, key) => (isContainer(at) ? (at as Record<string | number, unknown>)[key] : undefined),
    value,
  );

const bury = (value: unknown, depth: number, as: 'array' | 'object'): unknown => {
  let out = value;
  for (let i = 0; i < depth; i++) out = as === 'array' ? [out] : { a: out };
  return out;
};

/** The replacement a mutation puts at its path; `undefined` for a drop. */
const replacement = (mutation: Mutation, current: unknown): unknown => {
  switch (mutation.kind) {
    case 'drop':
      return undefined;
    case 'retype':
      return mutation.value;
    case 'oversize':
      return `${typeof current === 'string' ? current : ''}${'x'.repeat(mutation.length)}`;
    case 'unicode':
      return mutation.text;
    case 'deepen':
      return bury(current, mutation.depth, mutation.as);
  }
};

const shallowCopy = (value: Record<string, unknown> | unknown[]) => (Array.isArray(value) ? [...value] : { ...value });

/**
 * A copy of `value` with the mutation applied at `path` (the root replaced when the path is empty). Only the containers
 * along the path are copied, so the seed is never changed and a deeply nested part is never walked.
 */
const applyAt = (value: unknown, path: Path, mutation: Mutation): unknown => {
  const next = replacement(mutation, get(value, path));
  if (path.length === 0) return next === undefined ? null : next;
  if (!isContainer(value)) return value;
  const root = shallowCopy(value);
  let parent: Record<string | number, unknown> = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const child = parent[key];
    if (!isContainer(child)) return root;
    const copy = shallowCopy(child);
    parent[key] = copy;
    parent = copy as Record<string | number, unknown>;
  }
  const key = path.at(-1) as string | number;
  if (next === undefined) {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else {
    parent[key] = next;
  }
  return root;
};

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'drop' }),
  fc.record({
    kind: fc.constant('retype' as const),
    value: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 8 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    ),
  }),
  fc.record({ kind: fc.constant('oversize' as const), length: fc.integer({ min: 1_000, max: 300_000 }) }),
  fc.record({
    kind: fc.constant('unicode' as const),
    text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })),
  }),
  fc.record({
    kind: fc.constant('deepen' as const),
    depth: fc.integer({ min: 20, max: 20_000 }),
    as: fc.constantFrom('array' as const, 'object' as const),
  }),
);

/** One to three mutations of one of `seeds`, each at a path picked among the paths the value has by then. */
const mutated = (seeds: readonly unknown[]): fc.Arbitrary<unknown> =>
  fc
    .record({
      seed: fc.nat(),
      steps: fc.array(fc.tuple(fc.nat(), mutationArbitrary), { minLength: 1, maxLength: 3 }),
    })
    .map(({ seed, steps }) =>
      steps.reduce<unknown>(
        (value, [pick, mutation]) => {
          const paths = pathsOf(value);
          return applyAt(value, paths[pick % paths.length] ?? [], mutation);
        },
        seeds[seed % seeds.length],
      ),
    );

export type { Mutation, Path };
export { applyAt, mutated, mutationArbitrary, pathsOf };

// ListSecrets / BatchGetSecretValue filters (API reference, Filter): prefix matches, `!` negates, values of one filter
// are OR'd and filters are AND'd; `all` splits the search into words and looks in every attribute, case-insensitively.
import type { Reader } from './input.ts';
import type { Located } from './lookup.ts';

const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

interface Filter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

const readFilters = (read: Reader): Filter[] =>
  (read.list('Filters', { max: 10 }) ?? []).map((item, i) => {
    const path = `filters.${i + 1}.member`;
    const filter = read.structureAt(path, item);
    const key = read.stringAt(`${path}.key`, filter.Key, { oneOf: FILTER_KEYS }) as FilterKey | undefined;
    // The model's FilterValuesStringList holds 1 to 10 values: `Values: []` is refused, not read as "no filter".
    const rawValues = read.listAt(`${path}.values`, filter.Values, { min: 1, max: 10 }) ?? [];
    const values = rawValues.map(
      (v, j) => read.stringAt(`${path}.values.${j + 1}.member`, v, { max: 512, pattern: VALUE_PATTERN }) ?? '',
    );
    // A filter without a key matches everything, as AWS treats it.
    return { key: key ?? 'all', values };
  });

// Words as the console search splits them: at case changes, letter/digit boundaries and punctuation.
const words = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());

const attributes = (at: Located, key: FilterKey): { texts: string[]; caseSensitive: boolean } => {
  const { secret } = at;
  const replicated = at.isReplica || Object.keys(secret.replicas).length > 0;
  const owning = secret.tags.filter((t) => t.Key === 'aws:secretsmanager:owningService').map((t) => t.Value);
  switch (key) {
    case 'name':
      return { texts: [secret.name], caseSensitive: true };
    case 'description':
      return { texts: secret.description === undefined ? [] : words(secret.description), caseSensitive: false };
    case 'tag-key':
      return { texts: secret.tags.map((t) => t.Key), caseSensitive: true };
    case 'tag-value':
      return { texts: secret.tags.map((t) => t.Value), caseSensitive: true };
    case 'primary-region':
      return { texts: replicated ? [secret.primaryRegion] : [], caseSensitive: true };
    case 'owning-service':
      return { texts: owning, caseSensitive: true };
    case 'all':
      return {
        texts: [secret.name, secret.description ?? '', ...secret.tags.flatMap((t) => [t.Key, t.Value])].flatMap(words),
        caseSensitive: false,
      };
  }
};

const valueMatches = (at: Located, key: FilterKey, value: string) => {
  const { texts, caseSensitive } = attributes(at, key);
  const norm = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const terms = key === 'all' || key === 'description' ? words(value) : [value];
  const candidates = texts.map(norm);
  return terms.every((term) => candidates.some((t) => t.startsWith(norm(term))));
};

const matchesFilter = (at: Located, filter: Filter) => {
  const positive = filter.values.filter((v) => !v.startsWith('!'));
  const negative = filter.values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  if (negative.some((v) => valueMatches(at, filter.key, v))) return false;
  return positive.length === 0 || positive.some((v) => valueMatches(at, filter.key, v));
};

const matchesAll = (at: Located, filters: readonly Filter[]) => filters.every((f) => matchesFilter(at, f));

export type { Filter };
export { matchesAll, readFilters };

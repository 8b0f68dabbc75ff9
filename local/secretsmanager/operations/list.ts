// ListSecrets and ListSecretVersionIds.
import type { CallContext } from '../../protocol.ts';
import type { Core } from '../core.ts';
import { matchesAll, readFilters } from '../filters.ts';
import { createReader } from '../input.ts';
import { copiesIn, type Located, locate } from '../lookup.ts';
import { paginate } from '../pagination.ts';
import { Rule } from '../rules.ts';
import { compact, epoch, listEntryView } from '../views.ts';

const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] as const;

const sortKey = (at: Located, by: (typeof SORT_BY)[number]): string => {
  switch (by) {
    case 'name':
      return at.secret.name;
    case 'last-accessed-date':
      return at.secret.lastAccessedDate[at.region] ?? '';
    case 'last-changed-date':
      return at.secret.lastChangedDate;
    default:
      return at.secret.createdDate;
  }
};

// A listing is sorted once and paged from until the state changes: a scan pages through 100,000 secrets 100 at a
// time, and sorting them all for every page made the emulator, not the scan, the cost. The entries are the live
// records, so each page shows them as they are; an order by last-accessed-date (which reads change) is never kept.
const listings = new WeakMap<Core, Map<string, Listing>>();

interface Listing {
  readonly secrets: Located[];
  /** Its filters read tags: a tag change can move a secret in or out of it. */
  readonly readsTags: boolean;
}

// Tags decide nothing but these filters (no order, no deletion, no region): a TagResource or UntagResource keeps
// every other listing. A cleanup scan in mark mode tags a quarter of the secrets it pages through, and sorting the
// whole inventory again after each page made the scan N² in the emulator.
const TAG_FILTERS: ReadonlySet<string> = new Set(['tag-key', 'tag-value', 'owning-service', 'all']);
const TAG_WRITES: ReadonlySet<string> = new Set(['TagResource', 'UntagResource']);

/**
 * Drops the sorted listings: anything that changes which secrets exist, where, or their tags or dates. After an
 * operation that only changes tags (`operation` names it), only the listings whose filters read tags.
 */
const forgetListings = (core: Core, operation?: string) => {
  const cache = listings.get(core);
  if (!cache) return;
  if (operation === undefined || !TAG_WRITES.has(operation)) {
    listings.delete(core);
    return;
  }
  for (const [key, listing] of cache) if (listing.readsTags) cache.delete(key);
};

const listSecrets = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const includeDeleted = read.bool('IncludePlannedDeletion') ?? false;
  const maxResults = read.integer('MaxResults', { min: 1, max: 100 });
  const nextToken = read.string('NextToken', Rule.nextToken);
  const filters = readFilters(read);
  // AWS does not document the default order; newest first is what its console shows.
  const order = read.string('SortOrder', { oneOf: ['asc', 'desc'] }) ?? 'desc';
  const by = (read.string('SortBy', { oneOf: SORT_BY }) ?? 'created-date') as (typeof SORT_BY)[number];
  read.done();

  const direction = order === 'asc' ? 1 : -1;
  // Code-unit order (ISO dates sort as the instants they name): several times faster than localeCompare, which a
  // listing of 100,000 secrets pays on every page.
  const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const key = JSON.stringify([ctx.region, includeDeleted, filters, order, by]);
  const kept = by === 'last-accessed-date' ? undefined : listings.get(core)?.get(key)?.secrets;
  const secrets =
    kept ??
    copiesIn(core.state, ctx.region)
      .filter((at) => includeDeleted || at.secret.deletedDate === undefined)
      .filter((at) => matchesAll(at, filters))
      // Ties (same instant) keep a stable order by name so pages never overlap.
      .sort((a, b) => direction * (compare(sortKey(a, by), sortKey(b, by)) || compare(a.arn, b.arn)));
  if (!kept && by !== 'last-accessed-date') {
    const cache = listings.get(core) ?? new Map<string, Listing>();
    // A few listings at a time (a scan's, a console's): the oldest goes first.
    if (cache.size >= 8) cache.delete(cache.keys().next().value ?? '');
    cache.set(key, { secrets, readsTags: filters.some((f) => TAG_FILTERS.has(f.key)) });
    listings.set(core, cache);
  }
  const { page, nextToken: next } = paginate('ListSecrets', secrets, maxResults ?? 100, nextToken);
  return compact({ SecretList: page.map(listEntryView), NextToken: next });
};

const listSecretVersionIds = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const maxResults = read.integer('MaxResults', { min: 1, max: 100 });
  const nextToken = read.string('NextToken', Rule.nextToken);
  const includeDeprecated = read.bool('IncludeDeprecated') ?? false;
  read.done();
  const at = locate(core.state, ctx.region, secretId);
  const versions = at.secret.versions.filter((v) => includeDeprecated || v.stages.length > 0);
  const { page, nextToken: next } = paginate('ListSecretVersionIds', versions, maxResults ?? 100, nextToken);
  return compact({
    ARN: at.arn,
    Name: at.secret.name,
    Versions: page.map((v) =>
      compact({
        VersionId: v.versionId,
        VersionStages: [...v.stages],
        LastAccessedDate: epoch(v.lastAccessedDate),
        CreatedDate: epoch(v.createdDate),
      }),
    ),
    NextToken: next,
  });
};

export { forgetListings, listSecrets, listSecretVersionIds };

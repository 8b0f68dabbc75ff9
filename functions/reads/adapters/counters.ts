// The read counters in DynamoDB. Each (secret, minute) bucket is updated by ONE conditional write per batch that
// adds, together, the new reads' count, their event ids, and one ADD per (secret, principal, minute) as an attribute
// of the same item, so a redelivered event (same CloudTrail eventID) is never counted twice, a retried batch cannot
// double count, and the per-principal breakdown costs no extra write. dynalite has no transactions or TTL: neither is
// needed (expiresAt is a TTL attribute in AWS; locally nothing expires).
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type BucketAggregate, countByPrincipal } from '../domain/aggregate.ts';
import {
  activeKey,
  bucketKey,
  COUNTER_RETENTION_SECONDS,
  minuteOfKey,
  minuteRange,
  OTHER_PRINCIPALS,
  PRINCIPAL_PREFIX,
} from '../domain/keys.ts';
import type { SecretUsage } from '../domain/read-cost.ts';
import type { Read } from '../domain/read-event.ts';
import { CounterContentionError } from '../errors.ts';

interface CounterOptions {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long counters are kept (the TTL attribute in AWS). */
  readonly retentionSeconds?: number;
  /**
   * Most event ids kept per bucket for dedup: 16,000 × 17 bytes stay well inside DynamoDB's 400 KB item limit with
   * room for the rest. Beyond it reads are still counted, without dedup (a duplicate then counts twice).
   */
  readonly maxIdsPerBucket?: number;
  /** Most principals counted by name per bucket; the rest are counted together. */
  readonly maxPrincipalsPerBucket?: number;
  /** Most source IPs, user agents and regions kept per bucket (each). */
  readonly maxValuesPerBucket?: number;
  readonly maxAttempts?: number;
  /** How many secrets `usage` reads at once. */
  readonly usageConcurrency?: number;
}

interface WindowReaders {
  readonly principals: readonly { readonly principal: string; readonly count: number }[];
  readonly sourceIps: readonly string[];
  readonly userAgents: readonly string[];
  readonly regions: readonly string[];
}

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

const asSet = (value: unknown): Set<string> => (value instanceof Set ? (value as Set<string>) : new Set<string>());

/** The values of `incoming` not in `current`, as many as still fit under `max`. */
const additions = (current: ReadonlySet<string>, incoming: Iterable<string>, max: number): Set<string> => {
  const out = new Set<string>();
  for (const value of incoming) {
    if (current.size + out.size >= max) break;
    if (!current.has(value)) out.add(value);
  }
  return out;
};

const createCounters = ({
  ddb,
  tableName,
  retentionSeconds = COUNTER_RETENTION_SECONDS,
  maxIdsPerBucket = 16_000,
  maxPrincipalsPerBucket = 100,
  maxValuesPerBucket = 50,
  maxAttempts = 5,
  usageConcurrency = 8,
}: CounterOptions) => {
  const expiresAt = (minute: number) => Math.floor(minute / 1000) + retentionSeconds;

  /**
   * Adds the reads of one bucket that were not counted before; returns those reads (the ones that proved new).
   * Read, then write on the version read: a concurrent writer makes the condition fail and we start over.
   */
  const addBucket = async (bucket: BucketAggregate): Promise<Read[]> => {
    const Key = bucketKey(bucket.secretArn, bucket.minute);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await ddb.send(
        new GetCommand({
          TableName: tableName,
          Key,
          ConsistentRead: true,
          ProjectionExpression: 'v, ids, pl, ips, uas, regions',
        }),
      );
      const item = current.Item ?? {};
      const version = (item.v as number | undefined) ?? 0;
      const seen = asSet(item.ids);
      const fresh = [...bucket.reads].filter(([id]) => !seen.has(id));
      if (fresh.length === 0) return [];
      const reads = fresh.map(([, read]) => read);
      const byPrincipal = countByPrincipal(reads);
      const known = asSet(item.pl);
      const newNames = additions(known, byPrincipal.keys(), maxPrincipalsPerBucket);
      const counts = new Map<string, number>();
      for (const [principal, p] of byPrincipal) {
        const name = known.has(principal) || newNames.has(principal) ? principal : OTHER_PRINCIPALS;
        counts.set(name, (counts.get(name) ?? 0) + p.count);
      }
      const sets = {
        ids: seen.size + fresh.length <= maxIdsPerBucket ? new Set(fresh.map(([id]) => id)) : new Set<string>(),
        pl: newNames,
        ips: additions(
          asSet(item.ips),
          reads.map((r) => r.sourceIp),
          maxValuesPerBucket,
        ),
        uas: additions(
          asSet(item.uas),
          reads.map((r) => r.userAgent),
          maxValuesPerBucket,
        ),
        regions: additions(
          asSet(item.regions),
          reads.map((r) => r.region),
          maxValuesPerBucket,
        ),
      };
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':next': version + 1,
        ':exp': expiresAt(bucket.minute),
        ':count': fresh.length,
        ...(version === 0 ? {} : { ':version': version }),
      };
      const adds = ['n :count'];
      [...counts].forEach(([principal, count], i) => {
        names[`#p${i}`] = `${PRINCIPAL_PREFIX}${principal}`;
        values[`:p${i}`] = count;
        adds.push(`#p${i} :p${i}`);
      });
      // An empty set is not a DynamoDB value: only sets with something to add are written.
      for (const [attribute, set] of Object.entries(sets)) {
        if (set.size === 0) continue;
        values[`:${attribute}`] = set;
        adds.push(`${attribute} :${attribute}`);
      }
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET v = :next, expiresAt = :exp ADD ${adds.join(', ')}`,
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'v = :version',
            ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
          }),
        );
        return reads;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new CounterContentionError(`${Key.pk} ${Key.sk}`);
  };

  /** Records which secrets were read in a minute, so the detector knows which secrets to update. */
  const markActive = async (minute: number, secretArns: ReadonlySet<string>): Promise<void> => {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: activeKey(minute),
        UpdateExpression: 'SET expiresAt = :exp ADD secrets :arns',
        ExpressionAttributeValues: { ':exp': expiresAt(minute), ':arns': new Set(secretArns) },
      }),
    );
  };

  /** The secrets read in each of the given minutes (one BatchGetItem per 100 minutes). */
  const activeSecrets = async (minutes: readonly number[]): Promise<Map<number, string[]>> => {
    const out = new Map<number, string[]>();
    for (let i = 0; i < minutes.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = minutes.slice(i, i + 100).map(activeKey);
      while (keys && keys.length > 0) {
        const page: BatchGetCommandOutput = await ddb.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'pk, secrets' } } }),
        );
        for (const item of page.Responses?.[tableName] ?? []) {
          out.set(Date.parse(String(item.pk).slice(2)), [...asSet(item.secrets)]);
        }
        keys = page.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    return out;
  };

  const queryAll = async (
    secretArn: string,
    from: number,
    to: number,
    projection?: string,
    names?: Record<string, string>,
  ) => {
    const { lo, hi } = minuteRange(from, to);
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': `S#${secretArn}`, ':lo': lo, ':hi': hi },
          ...(projection ? { ProjectionExpression: projection } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  /** Read counts of a secret per minute in [from, to]; minutes without reads are absent. */
  const bucketCounts = async (secretArn: string, from: number, to: number): Promise<Map<number, number>> => {
    const items = await queryAll(secretArn, from, to, 'sk, n');
    return new Map(items.map((item) => [minuteOfKey(String(item.sk)), Number(item.n ?? 0)]));
  };

  /** Who read a secret in [from, to] (most reads first), from where, with what, in which regions. */
  const readers = async (secretArn: string, from: number, to: number): Promise<WindowReaders> => {
    const counts = new Map<string, number>();
    const ips = new Set<string>();
    const uas = new Set<string>();
    const regions = new Set<string>();
    for (const item of await queryAll(secretArn, from, to)) {
      for (const [attribute, value] of Object.entries(item)) {
        if (!attribute.startsWith(PRINCIPAL_PREFIX)) continue;
        const principal = attribute.slice(PRINCIPAL_PREFIX.length);
        counts.set(principal, (counts.get(principal) ?? 0) + Number(value));
      }
      for (const ip of asSet(item.ips)) ips.add(ip);
      for (const ua of asSet(item.uas)) uas.add(ua);
      for (const r of asSet(item.regions)) regions.add(r);
    }
    return {
      principals: [...counts]
        .map(([principal, count]) => ({ principal, count }))
        .sort((a, b) => b.count - a.count || a.principal.localeCompare(b.principal)),
      sourceIps: [...ips].sort(),
      userAgents: [...uas].sort(),
      regions: [...regions].sort(),
    };
  };

  /** Each bucket's total and principal names in [from, to]: of one secret (a Query) or of all (a Scan). */
  const bucketTotals = async (from: number, to: number, secretArn?: string) => {
    const { lo, hi } = minuteRange(from, to);
    const out = new Map<string, { minutes: Map<number, number>; principals: Set<string> }>();
    if (secretArn) out.set(secretArn, { minutes: new Map(), principals: new Set() });
    const add = (item: Record<string, unknown>) => {
      const arn = String(item.pk).slice(2);
      const entry = out.get(arn) ?? { minutes: new Map<number, number>(), principals: new Set<string>() };
      entry.minutes.set(minuteOfKey(String(item.sk)), Number(item.n ?? 0));
      for (const name of asSet(item.pl)) entry.principals.add(name);
      out.set(arn, entry);
    };
    if (secretArn) {
      for (const item of await queryAll(secretArn, from, to, 'pk, sk, n, pl')) add(item);
      return out;
    }
    let start: Record<string, unknown> | undefined;
    do {
      const page: ScanCommandOutput = await ddb.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'begins_with(pk, :s) AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':s': 'S#', ':lo': lo, ':hi': hi },
          ProjectionExpression: 'pk, sk, n, pl',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) add(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  };

  /**
   * Reads per minute in [from, to] with the count per principal, for the read-cost report: of one secret, or of
   * every secret read in the window. Two passes keep the dedup ids (most of a busy bucket's bytes) off the wire: the
   * first reads each bucket's total and the names of its principals (`pl`), the second only the counts those name.
   */
  const usage = async (from: number, to: number, secretArn?: string): Promise<SecretUsage[]> => {
    const totals = [...(await bucketTotals(from, to, secretArn))];
    const countsOf = async ([arn, { minutes, principals }]: (typeof totals)[number]): Promise<SecretUsage> => {
      const byMinute = new Map<number, Record<string, number>>();
      const names = [...principals, OTHER_PRINCIPALS];
      // 100 names per query keep the projection well inside DynamoDB's expression limits.
      for (let i = 0; i < names.length; i += 100) {
        const chunk = names.slice(i, i + 100);
        const attributes = Object.fromEntries(chunk.map((name, j) => [`#p${j}`, `${PRINCIPAL_PREFIX}${name}`]));
        const projection = ['sk', ...Object.keys(attributes)].join(', ');
        for (const item of await queryAll(arn, from, to, projection, attributes)) {
          const minute = minuteOfKey(String(item.sk));
          const counts = byMinute.get(minute) ?? {};
          for (const [attribute, value] of Object.entries(item)) {
            if (attribute.startsWith(PRINCIPAL_PREFIX))
              counts[attribute.slice(PRINCIPAL_PREFIX.length)] = Number(value);
          }
          byMinute.set(minute, counts);
        }
      }
      return {
        secretArn: arn,
        minutes: [...minutes]
          .sort(([a], [b]) => a - b)
          .map(([minute, reads]) => ({ minute, reads, principals: byMinute.get(minute) ?? {} })),
      };
    };
    const out: SecretUsage[] = [];
    for (let i = 0; i < totals.length; i += usageConcurrency) {
      out.push(...(await Promise.all(totals.slice(i, i + usageConcurrency).map(countsOf))));
    }
    return out;
  };

  return { addBucket, markActive, activeSecrets, bucketCounts, readers, usage };
};

type Counters = ReturnType<typeof createCounters>;

export type { Counters, WindowReaders };
export { createCounters };

// Item keys of the read counters table (and how long its items are kept). One table, two kinds of item, both under (pk, sk):
//   S#<secret ARN>  M#<minute>   reads of the secret in that minute: the count (n), the event ids seen (ids), a
//                                count per principal (p:<principal>), the principals (pl), source IPs, user agents
//                                and regions
//   A#<minute>      A            the secrets read in that minute (detect-spikes finds the secrets to update here)
// Minutes are ISO timestamps, so a key range is a time range.

const minuteKey = (minute: number): string => new Date(minute).toISOString();

const bucketKey = (secretArn: string, minute: number) => ({ pk: `S#${secretArn}`, sk: `M#${minuteKey(minute)}` });

const activeKey = (minute: number) => ({ pk: `A#${minuteKey(minute)}`, sk: 'A' });

/** The sort-key range covering minutes [from, to] (inclusive) of a secret's items. */
const minuteRange = (from: number, to: number) => ({ lo: `M#${minuteKey(from)}`, hi: `M#${minuteKey(to)}~` });

/** The minute of a bucket's sort key. */
const minuteOfKey = (sk: string): number => Date.parse(sk.slice(2, 26));

/** How long counter items are kept (their `expiresAt`, DynamoDB's TTL attribute): what a report can look back on. */
const COUNTER_RETENTION_SECONDS = 8 * 24 * 3600;

/** Per-principal counts are attributes of the bucket item, named after the principal. */
const PRINCIPAL_PREFIX = 'p:';
/** Where reads of principals beyond the per-bucket limit are counted. */
const OTHER_PRINCIPALS = '(other principals)';

export {
  activeKey,
  bucketKey,
  COUNTER_RETENTION_SECONDS,
  minuteKey,
  minuteOfKey,
  minuteRange,
  OTHER_PRINCIPALS,
  PRINCIPAL_PREFIX,
};

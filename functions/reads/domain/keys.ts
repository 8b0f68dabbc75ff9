// What the read counters keep (adapters/counters.ts holds the object layout and its keys).

/**
 * How long read objects are kept (the state bucket's lifecycle rule on reads/, serverless/reads.yml): what a report
 * can look back on.
 */
const COUNTER_RETENTION_SECONDS = 8 * 24 * 3600;

/** Where reads of principals beyond the per-(secret, minute) limit are counted. */
const OTHER_PRINCIPALS = '(other principals)';

export { COUNTER_RETENTION_SECONDS, OTHER_PRINCIPALS };

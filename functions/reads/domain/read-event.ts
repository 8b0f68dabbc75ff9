// A CloudTrail read of a secret as a trail's log file holds it (the bare record: what EventBridge would carry as an
// event's `detail`), flattened to what is counted, and who made it. The schema is ../schemas.ts' CloudTrailRead.
import { CloudTrailRead, type ReadIdentity } from '../schemas.ts';

/** One read, flattened: what aggregation works on. */
interface Read {
  /** The queue message (the log file) it came from, so a failed write returns exactly its files to the queue. */
  readonly recordId: string;
  readonly eventId: string;
  /** As the caller passed it: a name, a partial or a full ARN. */
  readonly secretId: string;
  readonly time: number;
  readonly principal: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly region: string;
}

/**
 * Who read: the identity's ARN, plus the access key when there is one, so two keys of one user (or, locally, of the
 * account) count as two principals — a stolen key is exactly what shows up as a new one.
 */
const principalOf = (identity: ReadIdentity): string => {
  const who = identity.arn ?? identity.invokedBy ?? identity.principalId ?? 'unknown';
  return identity.accessKeyId ? `${who}|${identity.accessKeyId}` : who;
};

/** The ARN part of a principal key (what a resource policy can name). */
const principalArnOf = (principal: string): string => principal.split('|')[0] ?? principal;

/** The access key part of a principal key, when the read was signed with one. */
const accessKeyOf = (principal: string): string | undefined => principal.split('|')[1];

// CloudTrail writes `2024-10-23T12:26:45Z`; records straight from CloudTrail files use `2024-10-17 21:48:45.000000000`.
// Reads in a batch share their seconds: remembering the last timestamp parsed saves a Date.parse per read.
let lastTimeText = '';
let lastTime = Number.NaN;
const parseEventTime = (text: string): number => {
  if (text !== lastTimeText) {
    lastTimeText = text;
    lastTime = Date.parse(text.includes('T') ? text : `${text.replace(' ', 'T').slice(0, 23)}Z`);
  }
  return lastTime;
};

/**
 * Whether a log-file record is a GetSecretValue of Secrets Manager: the only records counted. A trail holds every
 * read-only management event of the region, so most records are something else; they are told apart by two fields,
 * without a schema. BatchGetSecretValue itself is not counted: CloudTrail also records one GetSecretValue per secret
 * the batch returned (counting both would double).
 */
const isSecretRead = (record: unknown): boolean => {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as { eventSource?: unknown; eventName?: unknown };
  return r.eventName === 'GetSecretValue' && r.eventSource === 'secretsmanager.amazonaws.com';
};

/** Checks a record `isSecretRead` chose against the schema of what is counted. */
const parseRead = (record: unknown) => CloudTrailRead.safeParse(record);

/** A read to count, or undefined for a well-formed read that names no secret or no readable time. */
const toRead = (recordId: string, r: CloudTrailRead): Read | undefined => {
  const secretId = r.requestParameters?.secretId;
  if (!secretId) return undefined;
  const time = parseEventTime(r.eventTime);
  if (!Number.isFinite(time)) return undefined;
  return {
    recordId,
    eventId: r.eventID,
    secretId,
    time,
    principal: principalOf(r.userIdentity),
    sourceIp: r.sourceIPAddress ?? 'unknown',
    userAgent: r.userAgent ?? 'unknown',
    region: r.awsRegion,
  };
};

export type { Read };
export { accessKeyOf, isSecretRead, parseRead, principalArnOf, principalOf, toRead };

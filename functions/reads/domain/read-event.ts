// A CloudTrail read of a secret as it reaches the read-events queue, flattened to what is counted, and who made it.
// The queue carries the rule's trimmed record or, now and then, the whole event (both schemas: ../schemas.ts).
import { ReadEvent, type ReadIdentity, ReadRecord } from '../schemas.ts';

/** One read, flattened: what aggregation works on. */
interface Read {
  /** The queue record it came from, so a failed write can report exactly its records. */
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

/** The transformer's record and the whole event, as one shape. */
const flatten = (value: ReadRecord | ReadEvent): ReadRecord => {
  if ('v' in value) return value;
  const d = value.detail;
  return {
    v: 1,
    eventID: d.eventID,
    eventName: d.eventName,
    eventTime: d.eventTime,
    region: d.awsRegion,
    sourceIp: d.sourceIPAddress,
    userAgent: d.userAgent,
    userIdentity: d.userIdentity,
    requestParameters: d.requestParameters,
  };
};

/**
 * A read to count, or undefined for a record that is well-formed but carries no per-secret read: BatchGetSecretValue
 * itself (CloudTrail also records one GetSecretValue per secret the batch returned; counting both would double).
 */
const toRead = (recordId: string, value: ReadRecord | ReadEvent): Read | undefined => {
  const r = flatten(value);
  if (r.eventName !== 'GetSecretValue') return undefined;
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
    sourceIp: r.sourceIp ?? 'unknown',
    userAgent: r.userAgent ?? 'unknown',
    region: r.region,
  };
};

/** Parses a queue message body (already JSON-decoded) in either shape. */
const parseRead = (body: unknown) =>
  typeof body === 'object' && body !== null && 'v' in body ? ReadRecord.safeParse(body) : ReadEvent.safeParse(body);

export type { Read };
export { accessKeyOf, parseRead, principalArnOf, principalOf, toRead };

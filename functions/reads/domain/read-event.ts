// A CloudTrail read of a secret as it reaches the read-events queue, and who made it. The rule's input transformer
// (events/rules/read-events.json) trims each event to the fields counted here, which keeps queue messages around
// 700 bytes instead of 1.5 KB (more records per Lambda invocation, less to parse); a whole EventBridge event (sent to
// the queue by hand, or by an older rule) is accepted too. Only the needed fields are kept: a narrow schema parses
// faster and cannot carry anything else along.
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

const UserIdentity = z.object({
  type: z.string().max(64).optional(),
  arn: z.string().max(2048).optional(),
  principalId: z.string().max(512).optional(),
  accessKeyId: z.string().max(128).optional(),
  invokedBy: z.string().max(256).optional(),
});

const RequestParameters = z
  .object({ secretId: z.string().min(1).max(2048).optional() })
  .nullable()
  .optional();

const EventName = z.enum(['GetSecretValue', 'BatchGetSecretValue']);

/** What the read-events rule's input transformer writes. */
const ReadRecord = z.object({
  v: z.literal(1),
  eventID: z.string().min(1).max(128),
  eventName: EventName,
  eventTime: z.string().min(1).max(64),
  region: z.string().max(64),
  sourceIp: z.string().max(256).nullable().optional(),
  userAgent: z.string().max(1024).nullable().optional(),
  userIdentity: UserIdentity,
  requestParameters: RequestParameters,
});

/** The whole event, as EventBridge would deliver it without a transformer. */
const ReadEvent = EventBridgeSchema.extend({
  detail: z.object({
    eventSource: z.literal('secretsmanager.amazonaws.com'),
    eventName: EventName,
    eventID: z.string().min(1).max(128),
    eventTime: z.string().min(1).max(64),
    awsRegion: z.string().max(64),
    sourceIPAddress: z.string().max(256).optional(),
    userAgent: z.string().max(1024).optional(),
    userIdentity: UserIdentity,
    requestParameters: RequestParameters,
  }),
});

type ReadRecord = z.infer<typeof ReadRecord>;
type ReadEvent = z.infer<typeof ReadEvent>;

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
const principalOf = (identity: z.infer<typeof UserIdentity>): string => {
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
export { accessKeyOf, parseRead, principalArnOf, principalOf, ReadEvent, ReadRecord, toRead };

// CloudTrail-shaped events as EventBridge delivers them (test/data/aws-event-samples/), and the native
// "Secret Label Updated" event. Secret values are stripped from request parameters at any depth: AWS omits them.
import type { EventBridgeEvent as BusEvent } from '../eventbridge/event.ts';
import { callerOf, userIdentityOf } from '../iam/identity.ts';
import { DEFAULT_LIMITS } from '../json-protocol/body.ts';
import { randomId } from '../json-protocol/uuid.ts';
import type { CallContext } from '../protocol.ts';
import { LOCAL_ACCOUNT } from '../protocol.ts';

type EventBridgeEvent = BusEvent<Record<string, unknown>>;

const SOURCE = 'aws.secretsmanager';
const EVENT_SOURCE = 'secretsmanager.amazonaws.com';
const EVENT_VERSION = '1.11';
// Members that carry secret material: never logged, whatever their nesting.
const REDACTED_MEMBERS = new Set(['secretString', 'secretBinary', 'randomPassword']);

// The caller comes from the access key id (local/iam/identity.ts): an AKIA… key is the IAM user of that name.
const callerIdentity = (ctx: CallContext) => userIdentityOf(callerOf(ctx.accessKeyId, ctx.account));

// CloudTrail's timestamps have no milliseconds: 2024-10-23T12:26:45Z. Every call records two, mostly within the same
// second as the last call's: the last one is kept.
let lastSecond = Number.NaN;
let lastText = '';
const cloudTrailTime = (date: Date) => {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = `${date.toISOString().slice(0, 19)}Z`;
  }
  return lastText;
};

// Member names repeat from call to call (SecretId, VersionStage, …): each is converted once.
const MEMBER_NAMES_KEPT = 1024;
const memberNames = new Map<string, string>();
const lowerCamel = (key: string) => {
  let member = memberNames.get(key);
  if (member === undefined) {
    member = key.charAt(0).toLowerCase() + key.slice(1);
    if (memberNames.size >= MEMBER_NAMES_KEPT) memberNames.clear();
    memberNames.set(key, member);
  }
  return member;
};

// CloudTrail truncates a field too big to keep and says so with `omitted: true`. The parameters sit three levels into an
// event (the event, its detail, the parameters), and the bus takes events at most DEFAULT_LIMITS.maxDepth + 1 levels
// deep (local/eventbridge/bus.ts): a body as deep as a request may be would take its record one level further, and the
// call would fail on its own record. Parameters nesting deeper than this are omitted.
const MAX_PARAMETER_DEPTH = DEFAULT_LIMITS.maxDepth - 1;
const OMITTED = { omitted: true } as const;
const TOO_DEEP: unique symbol = Symbol('too deep');

/** The copy of a member at `depth` (the parameters are depth 1), or TOO_DEEP when it nests past the limit. */
const parameterCopy = (input: unknown, depth: number): unknown => {
  if (typeof input !== 'object' || input === null) return input;
  if (depth > MAX_PARAMETER_DEPTH) return TOO_DEEP;
  if (Array.isArray(input)) {
    const out: unknown[] = [];
    for (const item of input) {
      const copy = parameterCopy(item, depth + 1);
      if (copy === TOO_DEEP) return TOO_DEEP;
      out.push(copy);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    const member = lowerCamel(key);
    if (REDACTED_MEMBERS.has(member)) continue;
    const copy = parameterCopy((input as Record<string, unknown>)[key], depth + 1);
    if (copy === TOO_DEEP) return TOO_DEEP;
    out[member] = copy;
  }
  return out;
};

/**
 * The caller's parameters the way CloudTrail records them: lowerCamelCase members, secret values removed, and
 * `{ omitted: true }` for parameters nesting deeper than an event may.
 */
const requestParametersOf = (input: unknown): unknown => {
  const copy = parameterCopy(input, 1);
  return copy === TOO_DEEP ? { ...OMITTED } : copy;
};

const envelope = (
  detailType: string,
  region: string,
  time: Date,
  detail: Record<string, unknown>,
  resources: readonly string[] = [],
): EventBridgeEvent => ({
  version: '0',
  id: randomId(),
  'detail-type': detailType,
  source: SOURCE,
  account: LOCAL_ACCOUNT,
  time: cloudTrailTime(time),
  region,
  resources,
  detail,
});

interface ApiCall {
  readonly ctx: CallContext;
  readonly time: Date;
  readonly input: Record<string, unknown>;
  readonly readOnly: boolean;
  readonly responseElements: Record<string, unknown> | null;
  readonly error?: { readonly code: string; readonly message: string };
  /** Overrides ctx.operation: BatchGetSecretValue also records one GetSecretValue per secret it returned. */
  readonly eventName?: string;
}

const apiCallEvent = (call: ApiCall): EventBridgeEvent => {
  const { ctx, error } = call;
  const eventTime = cloudTrailTime(call.time);
  const userIdentity = callerIdentity(ctx);
  const eventName = call.eventName ?? ctx.operation;
  const requestParameters = requestParametersOf(call.input);
  // Two literals rather than one with a spread: every call records one, and a literal of fixed shape is built at once.
  // The members are in the same order in both.
  const detail: Record<string, unknown> = error
    ? {
        eventVersion: EVENT_VERSION,
        userIdentity,
        eventTime,
        eventSource: EVENT_SOURCE,
        eventName,
        awsRegion: ctx.region,
        sourceIPAddress: ctx.sourceIp,
        userAgent: ctx.userAgent,
        errorCode: error.code,
        errorMessage: error.message,
        requestParameters,
        responseElements: null,
        requestID: ctx.requestId,
        eventID: randomId(),
        readOnly: call.readOnly,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: ctx.account,
        eventCategory: 'Management',
      }
    : {
        eventVersion: EVENT_VERSION,
        userIdentity,
        eventTime,
        eventSource: EVENT_SOURCE,
        eventName,
        awsRegion: ctx.region,
        sourceIPAddress: ctx.sourceIp,
        userAgent: ctx.userAgent,
        requestParameters,
        responseElements: call.responseElements,
        requestID: ctx.requestId,
        eventID: randomId(),
        readOnly: call.readOnly,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: ctx.account,
        eventCategory: 'Management',
      };
  return envelope('AWS API Call via CloudTrail', ctx.region, call.time, detail);
};

interface ServiceEvent {
  readonly eventName: string;
  readonly region: string;
  readonly time: Date;
  readonly secretArn: string;
  readonly errorMessage?: string;
  /** Rotation events share `Rotation-<arn>-<token>` as AWS's do. */
  readonly requestId?: string;
}

const serviceEvent = (event: ServiceEvent): EventBridgeEvent =>
  envelope('AWS Service Event via CloudTrail', event.region, event.time, {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId: LOCAL_ACCOUNT, invokedBy: EVENT_SOURCE },
    eventTime: cloudTrailTime(event.time),
    eventSource: EVENT_SOURCE,
    eventName: event.eventName,
    awsRegion: event.region,
    sourceIPAddress: EVENT_SOURCE,
    userAgent: EVENT_SOURCE,
    ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
    requestParameters: null,
    responseElements: null,
    additionalEventData: { SecretId: event.secretArn },
    requestID: event.requestId ?? randomId(),
    eventID: randomId(),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: LOCAL_ACCOUNT,
    eventCategory: 'Management',
  });

const labelUpdatedEvent = (region: string, time: Date, arn: string, name: string, versionId: string) =>
  envelope('Secret Label Updated', region, time, { name, labelUpdated: 'AWSCURRENT', versionId }, [arn]);

export type { EventBridgeEvent };
export { apiCallEvent, cloudTrailTime, labelUpdatedEvent, requestParametersOf, serviceEvent };

// The SNS API over the query protocol: each action reads its form parameters and returns the children of its
// `<{Action}Result>` element. Publish hands its parameters to the typed publish (publish.ts).
import { randomUUID } from 'node:crypto';
import { invalidParameter, topicNotFound } from './errors.ts';
import { keyValues, messageAttributes, required } from './params.ts';
import type { Published, PublishRequest } from './publish.ts';
import type { SnsState, SubscriptionRecord, TopicRecord } from './state.ts';
import { el } from './xml.ts';

interface QueryContext {
  readonly region: string;
  readonly account: string;
  readonly requestId: string;
}

interface Ops {
  readonly state: () => SnsState;
  readonly publish: (request: PublishRequest) => Published;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'] as const;
const PAGE = 100;

const topicArn = (ctx: QueryContext, name: string) => `arn:aws:sns:${ctx.region}:${ctx.account}:${name}`;

const ensureTopic = (state: SnsState, arn: string, name: string): TopicRecord => {
  const existing = state.topics[arn];
  if (existing) return existing;
  const topic: TopicRecord = { arn, name, attributes: { DisplayName: '' } };
  state.topics[arn] = topic;
  return topic;
};

const findTopic = (state: SnsState, arn: string | null): TopicRecord => {
  const topic = arn && Object.hasOwn(state.topics, arn) ? state.topics[arn] : undefined;
  if (!topic) throw topicNotFound();
  return topic;
};

/** Idempotent like SNS: the same name returns the same ARN. */
const createTopic = (ops: Ops, params: URLSearchParams, ctx: QueryContext) => {
  const name = required(params, 'Name');
  if (name.endsWith('.fifo')) throw invalidParameter('FIFO topics are not supported by the local cloud');
  if (!TOPIC_NAME.test(name)) {
    throw invalidParameter(
      'Topic Name: Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
    );
  }
  const topic = ensureTopic(ops.state(), topicArn(ctx, name), name);
  Object.assign(topic.attributes, keyValues(params, 'Attributes.entry', 'key', 'value'));
  return [el('TopicArn', topic.arn)];
};

const listTopics = (ops: Ops, params: URLSearchParams, ctx: QueryContext) => {
  const arns = Object.keys(ops.state().topics)
    .filter((arn) => arn.startsWith(`arn:aws:sns:${ctx.region}:`))
    .sort();
  const token = params.get('NextToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken');
  const page = arns.slice(start, start + PAGE);
  const next = start + PAGE < arns.length ? Buffer.from(String(start + PAGE)).toString('base64url') : undefined;
  return [
    el(
      'Topics',
      page.map((arn) => el('member', [el('TopicArn', arn)])),
    ),
    ...(next ? [el('NextToken', next)] : []),
  ];
};

const subscribe = (ops: Ops, params: URLSearchParams) => {
  const topic = findTopic(ops.state(), params.get('TopicArn'));
  const protocol = required(params, 'Protocol');
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  }
  const endpoint = params.get('Endpoint') ?? '';
  if ((protocol === 'http' || protocol === 'https') && !endpoint.startsWith(`${protocol}://`)) {
    throw invalidParameter(`Invalid parameter: Endpoint must match the specified protocol`);
  }
  const state = ops.state();
  const existing = state.subscriptions.find(
    (s) => s.topicArn === topic.arn && s.protocol === protocol && s.endpoint === endpoint,
  );
  // Endpoints outside AWS must confirm first; nothing confirms locally, so they stay recorded and pending.
  const needsConfirmation = ['http', 'https', 'email', 'email-json'].includes(protocol);
  const subscription: SubscriptionRecord = existing ?? {
    arn: `${topic.arn}:${randomUUID()}`,
    topicArn: topic.arn,
    protocol,
    endpoint,
    confirmed: !needsConfirmation,
  };
  if (!existing) state.subscriptions.push(subscription);
  const shown =
    subscription.confirmed || params.get('ReturnSubscriptionArn') === 'true'
      ? subscription.arn
      : 'pending confirmation';
  return [el('SubscriptionArn', shown)];
};

const listSubscriptionsByTopic = (ops: Ops, params: URLSearchParams, ctx: QueryContext) => {
  const topic = findTopic(ops.state(), params.get('TopicArn'));
  const members = ops
    .state()
    .subscriptions.filter((s) => s.topicArn === topic.arn)
    .map((s) =>
      el('member', [
        el('TopicArn', s.topicArn),
        el('Protocol', s.protocol),
        el('SubscriptionArn', s.confirmed ? s.arn : 'PendingConfirmation'),
        el('Owner', ctx.account),
        el('Endpoint', s.endpoint),
      ]),
    );
  return [el('Subscriptions', members)];
};

const publish = (ops: Ops, params: URLSearchParams) => {
  const { messageId } = ops.publish({
    topicArn: params.get('TopicArn') ?? params.get('TargetArn') ?? '',
    message: params.get('Message') ?? '',
    subject: params.get('Subject') ?? undefined,
    attributes: messageAttributes(params),
    structure: params.get('MessageStructure') === 'json' ? 'json' : undefined,
  });
  return [el('MessageId', messageId)];
};

const getTopicAttributes = (ops: Ops, params: URLSearchParams, ctx: QueryContext) => {
  const topic = findTopic(ops.state(), params.get('TopicArn'));
  const subscriptions = ops.state().subscriptions.filter((s) => s.topicArn === topic.arn);
  const attributes: Record<string, string> = {
    TopicArn: topic.arn,
    Owner: ctx.account,
    SubscriptionsConfirmed: String(subscriptions.filter((s) => s.confirmed).length),
    SubscriptionsPending: String(subscriptions.filter((s) => !s.confirmed).length),
    SubscriptionsDeleted: '0',
    ...topic.attributes,
  };
  return [
    el(
      'Attributes',
      Object.entries(attributes).map(([key, value]) => el('entry', [el('key', key), el('value', value)])),
    ),
  ];
};

const ACTIONS = {
  CreateTopic: createTopic,
  GetTopicAttributes: getTopicAttributes,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  ListTopics: listTopics,
  Publish: publish,
  Subscribe: subscribe,
} as const satisfies Record<string, (ops: Ops, params: URLSearchParams, ctx: QueryContext) => string[]>;

export type { Ops, QueryContext };
export { ACTIONS, ensureTopic, findTopic, topicArn };

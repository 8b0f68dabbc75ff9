// The SNS emulator of the local cloud, as a service: a typed publish() for the rest of the local cloud (Step Functions'
// sns:publish integration), and SNS's query protocol (form-encoded `Action=Publish&…`, XML answers) on top of it for
// the SDK and the CLI, served by route.ts.
import { randomUUID } from 'node:crypto';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from '../protocol.ts';
import type { Store } from '../store/index.ts';
import { createRows, type Rows } from '../store/rows.ts';
import { createDelivery, type Subscriber } from './delivery.ts';
import { invalidAction, missingAction, SnsError } from './errors.ts';
import { ACTIONS, ensureTopic, findTopic, type Ops, type QueryContext, topicArn } from './operations.ts';
import { notificationFor, type Published, type PublishRequest } from './publish.ts';
import { createState, isState, type SnsNotification, type SnsState } from './state.ts';
import { errorResponse, response } from './xml.ts';

interface SnsOptions {
  readonly now: () => Date;
  /** Holds `sns-outbox.jsonl`, one published message per line. */
  readonly dataDir?: string;
  /** Every published message is also posted to this Slack incoming webhook. */
  readonly slackWebhookUrl?: string;
  /** One line per published message and per failed delivery; console.log by default. */
  readonly log?: (line: string) => void;
  readonly region?: string;
  readonly account?: string;
}

interface QueryResult {
  readonly status: number;
  /** XML. */
  readonly body: string;
}

const createSns = (options: SnsOptions) => {
  let state = createState();
  const local = new Map<string, Subscriber>();
  const delivery = createDelivery({
    log: options.log ?? ((line: string) => console.log(line)),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
  });
  const defaultCtx: QueryContext = {
    region: options.region ?? DEFAULT_REGION,
    account: options.account ?? LOCAL_ACCOUNT,
    requestId: '',
  };

  /** Publishes to a topic: SNS's checks, then the console line, the outbox, Slack and the local subscribers. */
  const publish = (request: PublishRequest): Published => {
    const topic = findTopic(state, request.topicArn);
    const notification = notificationFor(request, topic.arn, options.now());
    const subscribers = state.subscriptions
      .filter((s) => s.topicArn === topic.arn && s.protocol === 'local')
      .map((s) => local.get(s.arn))
      .filter((fn): fn is Subscriber => fn !== undefined);
    delivery.deliver(notification, subscribers);
    return { messageId: notification.MessageId };
  };

  const ops: Ops = { state: () => state, publish };

  // Set by attachStore(): topics and subscriptions (not in-process subscribers: they belong to this process) are one
  // row, written after every change.
  let rows: Rows | undefined;
  let written: Promise<void> | undefined;
  const persisted = (s: SnsState): SnsState => ({
    ...s,
    subscriptions: s.subscriptions.filter((x) => !local.has(x.arn)),
  });
  const sync = () => {
    if (!rows?.write('state', persisted(state))) return;
    const durable = rows.commit();
    written = durable;
    void durable?.finally(() => {
      if (written === durable) written = undefined;
    });
  };

  /** Answers one query-protocol request; never throws. */
  const handleQuery = (params: URLSearchParams, ctx: QueryContext): QueryResult => {
    const action = params.get('Action');
    try {
      if (!action) throw missingAction();
      const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action as keyof typeof ACTIONS] : undefined;
      if (!run) throw invalidAction(action);
      const body = response(action, run(ops, params, ctx), ctx.requestId);
      sync();
      return { status: 200, body };
    } catch (error) {
      const sns =
        error instanceof SnsError
          ? error
          : new SnsError('InternalError', 'The local cloud failed to handle the request', 500, 'Receiver');
      if (!(error instanceof SnsError)) console.error('[local] sns internal error', error);
      return { status: sns.status, body: errorResponse(sns.fault, sns.code, sns.message, ctx.requestId) };
    }
  };

  return {
    /** Throws SnsError (NotFound, InvalidParameter) as SNS would answer. */
    publish,
    handleQuery,
    /** Idempotent, like CreateTopic; returns the topic ARN. */
    createTopic: (name: string): string => {
      const arn = ensureTopic(state, topicArn(defaultCtx, name), name).arn;
      sync();
      return arn;
    },
    /** The promise of the last change being on disk, while it is not (the query route answers after it). */
    written: (): Promise<void> | undefined => written,
    /** An in-process subscriber (protocol `local`); it receives SNS's notification JSON. */
    subscribe: (arn: string, subscriber: Subscriber): { subscriptionArn: string; unsubscribe(): void } => {
      const topic = findTopic(state, arn);
      const subscriptionArn = `${topic.arn}:${randomUUID()}`;
      state.subscriptions.push({
        arn: subscriptionArn,
        topicArn: topic.arn,
        protocol: 'local',
        endpoint: '',
        confirmed: true,
      });
      local.set(subscriptionArn, subscriber);
      return {
        subscriptionArn,
        unsubscribe: () => {
          local.delete(subscriptionArn);
          state.subscriptions = state.subscriptions.filter((s) => s.arn !== subscriptionArn);
        },
      };
    },
    /** Every message published so far, oldest first (including those from before a restart, with dataDir). */
    outbox: (): SnsNotification[] => delivery.outbox(),
    /** Resolves when webhook posts and subscriber calls started so far have finished. */
    whenIdle: (): Promise<void> => delivery.whenIdle(),
    /** Topics and subscriptions as plain JSON; in-process subscribers are functions and stay out of it. */
    snapshot: (): unknown => structuredClone(state),
    restore: (snapshot: unknown): void => {
      if (!isState(snapshot)) throw new Error('Not an SNS emulator snapshot');
      // In-process subscribers outlive a restore: they belong to the running process, not to the saved state.
      const live = state.subscriptions.filter((s) => local.has(s.arn));
      state = structuredClone(snapshot);
      state.subscriptions.push(
        ...live.filter((s) => state.topics[s.topicArn] && !state.subscriptions.some((x) => x.arn === s.arn)),
      );
      sync();
    },
    /** Restores the topics the store holds from the last run over those created so far, and writes changes through. */
    attachStore: (store: Store): Promise<void> | undefined => {
      rows = createRows(store, 'sns.state');
      const saved = rows.saved().find(([key]) => key === 'state')?.[1] as SnsState | undefined;
      if (saved && isState(saved)) {
        const current = state;
        state = { ...saved, topics: { ...current.topics, ...saved.topics } };
        state.subscriptions.push(
          ...current.subscriptions.filter((s) => !state.subscriptions.some((x) => x.arn === s.arn)),
        );
      }
      sync();
      return written;
    },
  };
};

type SnsEmulator = ReturnType<typeof createSns>;

export type { Subscriber } from './delivery.ts';
export { SnsError } from './errors.ts';
export type { MessageAttribute } from './params.ts';
export type { Published, PublishRequest } from './publish.ts';
export type { SnsNotification } from './state.ts';
export type { QueryContext, QueryResult, SnsEmulator, SnsOptions };
export { createSns };

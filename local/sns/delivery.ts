// Where a published message goes locally: a console line, the outbox file (JSON lines) in the data directory, a Slack
// incoming webhook when one is configured, and the topic's in-process subscribers. Failures are logged, never thrown
// back to the publisher: SNS accepts the message before delivering it.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnsNotification } from './state.ts';

type Subscriber = (message: SnsNotification) => void | Promise<void>;

interface DeliveryOptions {
  readonly dataDir?: string;
  readonly slackWebhookUrl?: string;
  readonly log: (line: string) => void;
}

const OUTBOX_FILE = 'sns-outbox.jsonl';
const PREVIEW_CHARS = 200;

const readOutbox = (file: string): SnsNotification[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as SnsNotification)
    : [];

/** Slack's incoming-webhook body: a Block Kit message passes through, anything else becomes text. */
const slackBody = (n: SnsNotification) => {
  try {
    const parsed = JSON.parse(n.Message) as { blocks?: unknown; text?: unknown };
    if (parsed && Array.isArray(parsed.blocks)) return { text: n.Subject ?? parsed.text ?? 'Notification', ...parsed };
  } catch {
    // Not JSON: plain text below.
  }
  return { text: n.Subject ? `*${n.Subject}*\n${n.Message}` : n.Message };
};

const createDelivery = (options: DeliveryOptions) => {
  const outboxFile = options.dataDir ? join(options.dataDir, OUTBOX_FILE) : undefined;
  // A restart keeps what was published before it.
  const outbox: SnsNotification[] = outboxFile ? readOutbox(outboxFile) : [];
  const pending = new Set<Promise<void>>();

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const postToSlack = async (url: string, n: SnsNotification) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackBody(n)),
      });
      if (!res.ok) options.log(`[sns] Slack webhook answered ${res.status} for message ${n.MessageId}`);
    } catch (error) {
      options.log(`[sns] Slack webhook failed for message ${n.MessageId}: ${(error as Error).message}`);
    }
  };

  const callSubscriber = async (subscriber: Subscriber, n: SnsNotification) => {
    try {
      await subscriber(n);
    } catch (error) {
      options.log(`[sns] subscriber failed for message ${n.MessageId}: ${(error as Error)?.message ?? error}`);
    }
  };

  const deliver = (n: SnsNotification, subscribers: readonly Subscriber[]) => {
    const topic = n.TopicArn.split(':').at(-1);
    const preview = n.Message.length > PREVIEW_CHARS ? `${n.Message.slice(0, PREVIEW_CHARS)}…` : n.Message;
    options.log(`[sns] ${topic}: ${n.Subject ? `${n.Subject} — ` : ''}${preview.replace(/\s+/g, ' ')}`);
    outbox.push(n);
    if (outboxFile && options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      appendFileSync(outboxFile, `${JSON.stringify(n)}\n`);
    }
    if (options.slackWebhookUrl) track(postToSlack(options.slackWebhookUrl, n));
    for (const subscriber of subscribers) track(callSubscriber(subscriber, n));
  };

  return {
    deliver,
    outbox: (): SnsNotification[] => [...outbox],
    /** Resolves when every webhook post and subscriber call started so far has finished. */
    whenIdle: async (): Promise<void> => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
};

export type { Subscriber };
export { createDelivery };

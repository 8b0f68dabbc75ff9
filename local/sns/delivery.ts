// Where a published message goes locally: a console line, the outbox file (JSON lines) in the data directory, a Slack
// incoming webhook when one is configured, and the topic's in-process subscribers. Failures are logged, never thrown
// back to the publisher: SNS accepts the message before delivering it.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine, slackEscaped } from '../../functions/shared/domain/sanitise.ts';
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

// A query parameter that carries a capability (the approve/reject links' `token`): whoever reads the channel could
// decide with it, and a webhook channel is not the approvers' mailbox.
const TOKEN_PARAMETER = /([?&](?:token|Token|TOKEN)=)[^\s&#]*/g;

/** A message's text without link tokens. */
const withoutTokens = (text: string): string => text.replace(TOKEN_PARAMETER, '$1[removed]');

/**
 * Slack's incoming-webhook body: the subject and the message as text, every line through the shared sanitiser
 * (escaped for Slack: no `<!channel>`, mention or `<https://evil|Click>` link survives) and without link tokens, with
 * Slack's formatting off. A message that is Block Kit JSON is shown as text too: passing it through would let any
 * publisher post live Slack formatting.
 */
const slackBody = (n: SnsNotification) => {
  const lines = [...(n.Subject ? [n.Subject] : []), ...withoutTokens(n.Message).split(/\r\n|[\n\r]/)];
  return { text: lines.map((line) => slackEscaped(withoutTokens(line), 3000)).join('\n'), mrkdwn: false };
};

/** The console line: one line, control and bidi characters gone (a NUL or a right-to-left override included). */
const consoleLine = (n: SnsNotification): string => {
  const topic = oneLine(n.TopicArn.split(':').at(-1), 256);
  const subject = n.Subject ? `${oneLine(n.Subject, 100)} — ` : '';
  return `[sns] ${topic}: ${subject}${oneLine(n.Message, PREVIEW_CHARS + 1)}`;
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
    options.log(consoleLine(n));
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

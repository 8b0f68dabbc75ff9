// Posts an approval request to a Slack channel as a Block Kit message (chat.postMessage through @slack/web-api), with
// the bot token read from Secrets Manager by the caller. Only the Slack call lives here: the message is built in
// domain/slack-message.ts and carries the approval id, never a task token or a secret value. Errors name what Slack
// said (`channel_not_found`, HTTP 503, …) and never repeat the token or a response body.
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import type { ApprovalMessage } from './domain/slack-message.ts';

interface SlackPoster {
  /** Posts the message; resolves with where it landed (channel id and message timestamp). */
  post(message: ApprovalMessage): Promise<{ channel: string; ts: string }>;
}

interface SlackPosterOptions {
  readonly token: string;
  /** A channel id (`C0123ABCD`) or name the bot is a member of. */
  readonly channel: string;
  readonly logger: Logger;
  /** Slack's Web API base URL; tests and the local cloud point it at a stand-in. */
  readonly apiUrl?: string;
  /** Retries of failed HTTP calls (Slack's own client would retry for 30 minutes; a Lambda step cannot wait that). */
  readonly retries?: number;
  /** The first retry's delay, doubling after (at most 1 s). */
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
}

class SlackDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SlackDeliveryError';
  }
}

/** The Slack client's own log lines, at warn and above, through the function's logger (so they stay structured). */
const slackLogger = (logger: Logger): SlackLogger => ({
  debug: () => {},
  info: () => {},
  warn: (...messages: unknown[]) => logger.warn('Slack client', { detail: messages.map(String).join(' ') }),
  error: (...messages: unknown[]) => logger.error('Slack client', { detail: messages.map(String).join(' ') }),
  setLevel: () => {},
  getLevel: () => LogLevel.WARN,
  setName: () => {},
});

const reasonOf = (error: unknown): string => {
  if (error instanceof WebAPIPlatformError) return `Slack answered ${error.data.error}`;
  if (error instanceof WebAPIRateLimitedError) return `Slack rate-limited the call (retry after ${error.retryAfter} s)`;
  if (error instanceof WebAPIHTTPError) return `Slack answered HTTP ${error.statusCode}`;
  return 'Slack could not be reached';
};

const createSlackPoster = ({
  token,
  channel,
  logger,
  apiUrl,
  retries = 2,
  retryDelayMs = 200,
  timeoutMs = 5_000,
}: SlackPosterOptions): SlackPoster => {
  const client = new WebClient(token, {
    ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl }),
    logger: slackLogger(logger),
    retryConfig: { retries, factor: 2, minTimeout: retryDelayMs, maxTimeout: Math.max(retryDelayMs, 1_000) },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    allowAbsoluteUrls: false,
  });
  return {
    async post(message) {
      try {
        const out = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: [...message.blocks] as never,
          unfurl_links: false,
          unfurl_media: false,
        });
        return { channel: out.channel ?? channel, ts: out.ts ?? '' };
      } catch (error) {
        throw new SlackDeliveryError(`Approval message not posted to ${channel}: ${reasonOf(error)}`);
      }
    },
  };
};

export type { SlackPoster, SlackPosterOptions };
export { createSlackPoster, SlackDeliveryError };

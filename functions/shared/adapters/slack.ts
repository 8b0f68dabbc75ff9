// Posts a Block Kit message to a Slack channel (chat.postMessage through @slack/web-api). Approval requests and read
// spike alerts use it; what they say is built elsewhere and carries ids and names, never a secret value or a task
// token. The bot token comes from Secrets Manager. Errors name what Slack said (`channel_not_found`, HTTP 503, …) and
// never repeat the token or a response body.
//
// @slack/web-api (with p-queue, eventemitter3, retry and Slack's types, ~90 KB) is imported on the first post, not
// with this module: a function that may post (Request Approval, when the stage names an approval channel) does not
// evaluate it at cold start, and one that posts (Alert Slack) evaluates it when it has something to say.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as Slack from '@slack/web-api';
import { createSecretValue } from './secret-value.ts';

/** The module, as `import()` resolves it. */
type SlackWebApi = typeof Slack;

interface SlackMessage {
  /** The notification text (and what clients without Block Kit show). */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

interface SlackPoster {
  /** Posts the message; resolves with where it landed (channel id and message timestamp). */
  post(message: SlackMessage): Promise<{ channel: string; ts: string }>;
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
const slackLogger = (logger: Logger, web: SlackWebApi): Slack.Logger => ({
  debug: () => {},
  info: () => {},
  warn: (...messages: unknown[]) => logger.warn('Slack client', { detail: messages.map(String).join(' ') }),
  error: (...messages: unknown[]) => logger.error('Slack client', { detail: messages.map(String).join(' ') }),
  setLevel: () => {},
  getLevel: () => web.LogLevel.WARN,
  setName: () => {},
});

const reasonOf = (web: SlackWebApi, error: unknown): string => {
  if (error instanceof web.WebAPIPlatformError) return `Slack answered ${error.data.error}`;
  if (error instanceof web.WebAPIRateLimitedError) {
    return `Slack rate-limited the call (retry after ${error.retryAfter} s)`;
  }
  if (error instanceof web.WebAPIHTTPError) return `Slack answered HTTP ${error.statusCode}`;
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
  const connect = async () => {
    const web = await import('@slack/web-api');
    const client = new web.WebClient(token, {
      ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl }),
      logger: slackLogger(logger, web),
      retryConfig: { retries, factor: 2, minTimeout: retryDelayMs, maxTimeout: Math.max(retryDelayMs, 1_000) },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      allowAbsoluteUrls: false,
    });
    return { web, client };
  };
  let connected: ReturnType<typeof connect> | undefined;
  return {
    async post(message) {
      connected ??= connect();
      const { web, client } = await connected;
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
        throw new SlackDeliveryError(`Slack message not posted to ${channel}: ${reasonOf(web, error)}`);
      }
    },
  };
};

interface SlackFromEnvOptions {
  /** The environment variable naming the channel; empty or unset turns Slack off. */
  readonly channelVariable: string;
  /** The Secrets Manager id of the bot token (`smcp/<stage>/slack-bot-token`). */
  readonly tokenSecretId: string;
  readonly client: SecretsManagerClient;
  readonly logger: Logger;
}

/**
 * For a handler: the poster for the channel its stage names, or undefined when none is named. Both are read per call
 * (the channel from the environment, the token through a 5-minute cache), so a new token takes effect without a
 * deploy. A named channel without a token is an error: the caller reports it, it is not a reason to stay quiet.
 * `SLACK_API_URL` points the client elsewhere than slack.com (the tests' stand-in).
 */
const createSlackFromEnv = ({ channelVariable, tokenSecretId, client, logger }: SlackFromEnvOptions) => {
  const token = createSecretValue({ client, secretId: tokenSecretId });
  let cached: { key: string; poster: SlackPoster } | undefined;
  return async (): Promise<SlackPoster | undefined> => {
    const channel = process.env[channelVariable] ?? '';
    if (channel === '') return undefined;
    const value = await token();
    if (value === undefined)
      throw new SlackDeliveryError(`Slack channel ${channel} is set but ${tokenSecretId} does not exist`);
    const apiUrl = process.env.SLACK_API_URL || undefined;
    const key = `${channel}\n${apiUrl ?? ''}\n${value}`;
    if (cached?.key !== key) {
      cached = { key, poster: createSlackPoster({ token: value, channel, logger, ...(apiUrl ? { apiUrl } : {}) }) };
    }
    return cached.poster;
  };
};

export type { SlackMessage, SlackPoster, SlackPosterOptions };
export { createSlackFromEnv, createSlackPoster, SlackDeliveryError };

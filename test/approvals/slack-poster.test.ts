// The Slack adapter through the real @slack/web-api client, against a loopback stand-in for Slack's Web API: what it
// sends, and what its errors say (Slack's reason, never the bot token or what the server echoed).
import { inspect } from 'node:util';
import type { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalMessage } from '../../functions/approvals/domain/slack-message.ts';
import { createSlackPoster, SlackDeliveryError } from '../../functions/shared/adapters/slack.ts';
import { buttonValue, type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';

const TOKEN = `xoxb-canary-${crypto.randomUUID()}`;
const logged: string[] = [];
const logger = {
  warn: (...args: unknown[]) => logged.push(JSON.stringify(args)),
  error: (...args: unknown[]) => logged.push(JSON.stringify(args)),
} as unknown as Logger;

const message = approvalMessage({
  approvalId: 'apr-0123456789abcdef0123456789abcdef',
  secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
  requestedBy: 'alice',
  reason: 'quarterly',
  expiresAt: '2026-01-07T11:00:00.000Z',
});

let slack: FakeSlack;
const poster = () =>
  createSlackPoster({ token: TOKEN, channel: 'C0APPROVALS', logger, apiUrl: slack.apiUrl, retries: 0 });

const failure = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SlackDeliveryError);
  const text = `${(error as Error).message}\n${(error as Error).stack}\n${inspect(error, { depth: 10 })}`;
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain('you sent');
  return (error as Error).message;
};

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.fail = undefined;
  slack.posted.length = 0;
});

describe('Slack poster', () => {
  it('posts the Block Kit request to the channel with the bot token, links not unfurled', async () => {
    const where = await poster().post(message);

    expect(where).toEqual({ channel: 'C0APPROVALS', ts: '1700000000.000001' });
    const [posted] = slack.posted;
    expect(posted?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(posted?.channel).toBe('C0APPROVALS');
    expect(posted?.text).toBe(message.text);
    expect(posted?.blocks).toEqual(message.blocks);
    expect(posted?.fields).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    expect(posted && buttonValue(posted, 'approve')).toBe('apr-0123456789abcdef0123456789abcdef');
  });

  it('says what Slack refused, without the token', async () => {
    slack.fail = { error: 'channel_not_found' };

    expect(await failure(poster().post(message))).toBe(
      'Slack message not posted to C0APPROVALS: Slack answered channel_not_found',
    );
  });

  it('gives up on an HTTP error after its retries, without repeating the response body', async () => {
    slack.fail = { status: 500 };
    const before = slack.raw.length;

    const reason = await failure(
      createSlackPoster({
        token: TOKEN,
        channel: 'C0APPROVALS',
        logger,
        apiUrl: slack.apiUrl,
        retries: 1,
        retryDelayMs: 0,
      }).post(message),
    );

    expect(reason).toBe('Slack message not posted to C0APPROVALS: Slack answered HTTP 500');
    expect(slack.raw.length - before, 'one call and one retry').toBe(2);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('reports an unreachable Slack as such', async () => {
    const closed = await startFakeSlack();
    await closed.close();

    const reason = await failure(
      createSlackPoster({ token: TOKEN, channel: 'C0APPROVALS', logger, apiUrl: closed.apiUrl, retries: 0 }).post(
        message,
      ),
    );

    expect(reason).toBe('Slack message not posted to C0APPROVALS: Slack could not be reached');
  });
});

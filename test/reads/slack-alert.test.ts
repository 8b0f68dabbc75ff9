// Read spike alerts in Slack: the message (plain text only, escaped fallback), the step (quiet without a channel,
// never failing the response), and the whole path through the local cloud to a loopback stand-in for Slack's Web API.
import type { Logger } from '@aws-lambda-powertools/logger';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackAlertOf } from '../../functions/reads/domain/slack-alert.ts';
import { createSlackAlert } from '../../functions/reads/steps/slack-alert.ts';
import { SlackDeliveryError } from '../../functions/shared/adapters/slack.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { publishSpike, responsesOf, SUSPECT } from './support.ts';

const BOT_TOKEN = `xoxb-canary-${crypto.randomUUID()}`;
const CHANNEL = 'C0ALERTS';

const notification = {
  subject: '[smcp] high read spike on prod/db <!channel> & co',
  message: 'Read spike on arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf\nTop readers: <@U0BOSS>',
};

describe('the Slack alert message', () => {
  it('puts everything in plain_text blocks and escapes the fallback text', () => {
    const message = slackAlertOf(notification);

    expect(message.text).toBe('high read spike on prod/db &lt;!channel&gt; &amp; co');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'high read spike on prod/db <!channel> & co', emoji: false },
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'plain_text', text: notification.message, emoji: false },
    });
    expect(JSON.stringify(message.blocks)).not.toContain('mrkdwn');
  });

  it('cuts a long alert to what Slack accepts', () => {
    const message = slackAlertOf({ subject: 'x'.repeat(400), message: 'y'.repeat(5_000) });

    expect(JSON.stringify(message.blocks[0]).length).toBeLessThan(250);
    expect((message.blocks[1] as { text: { text: string } }).text.text).toHaveLength(2_900);
  });
});

describe('the Alert Slack step', () => {
  const errors: string[] = [];
  const logger = {
    info: () => {},
    error: (message: string, extra: unknown) => errors.push(`${message} ${JSON.stringify(extra)}`),
  } as unknown as Logger;

  it('does nothing without a channel', async () => {
    const alert = createSlackAlert({ logger, slack: async () => undefined });

    expect(await alert({ secretId: 'prod/db', notification })).toEqual({
      posted: false,
      reason: 'no Slack alert channel is configured',
    });
  });

  it('reports a Slack failure in its result and the log instead of failing', async () => {
    const alert = createSlackAlert({
      logger,
      slack: async () => ({
        post: async () => {
          throw new SlackDeliveryError('Slack message not posted to C0: Slack answered channel_not_found');
        },
      }),
    });

    const result = await alert({ secretId: 'prod/db', notification });

    expect(result).toEqual({
      posted: false,
      reason: 'Slack message not posted to C0: Slack answered channel_not_found',
    });
    expect(errors).toEqual([expect.stringContaining('Read spike not posted to Slack')]);
  });
});

describe('read spike alerts through the local cloud', () => {
  let t: TestCloud;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestCloud({ start: '2026-01-07T10:09:00Z' });
    process.env.SLACK_ALERT_CHANNEL = CHANNEL;
    process.env.SLACK_API_URL = slack.apiUrl;
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'smcp/local/slack-bot-token', SecretString: BOT_TOKEN }));
  }, 120_000);
  afterAll(async () => {
    await t?.cloud.stop();
    await slack?.close();
    delete process.env.SLACK_ALERT_CHANNEL;
    delete process.env.SLACK_API_URL;
  });

  it('posts the alert naming the top reader, and the response goes on', async () => {
    const arn = await publishSpike(t, 'alerts/posted', { 'smcp:anomaly-response': 'none' });

    const [posted] = slack.posted;
    expect(posted?.channel).toBe(CHANNEL);
    expect(posted?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(JSON.stringify(posted?.blocks)).toContain(SUSPECT);
    expect(JSON.stringify(posted?.blocks)).toContain(arn);
    expect(responsesOf(t, arn)).toMatchObject([{ status: 'SUCCEEDED', output: { remediation: 'none' } }]);
    expect(t.logs.join('\n')).not.toContain(BOT_TOKEN);
  });

  it('still remediates when Slack is down', async () => {
    slack.fail = { status: 503 };
    const calls = slack.raw.length;
    try {
      const arn = await publishSpike(t, 'alerts/slack-down', {
        'smcp:anomaly-response': 'quarantine',
        'smcp:approval': 'none',
      });

      expect(responsesOf(t, arn)).toMatchObject([
        { status: 'SUCCEEDED', output: { remediation: 'quarantine', remediated: true } },
      ]);
      expect(slack.raw.length - calls, 'one call and two retries').toBe(3);
    } finally {
      slack.fail = undefined;
    }
  });
});

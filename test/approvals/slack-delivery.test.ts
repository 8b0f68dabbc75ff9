// Slack approvals end to end through the local cloud: with a channel and a bot token configured, a rotation that needs
// approval posts a Block Kit request to Slack (a loopback stand-in for Slack's Web API, reached by the real
// @slack/web-api client), and the click Slack sends back for its Approve button (signed as Slack signs) lets the
// rotation complete. When Slack is down the request still goes out by SNS and the rotation still waits.
// The bot token and the signing secret are canaries: they appear in no log line or notification.
import { createHmac, randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { settle } from '../../local/settle.ts';
import { busEvent } from '../support/events.ts';
import { buttonValue, type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { secretIdOf } from './support.ts';

const CANARY = `canary-${randomUUID()}`;
const BOT_TOKEN = `xoxb-${CANARY}`;
const SIGNING_SECRET = `signing-${CANARY}`;
const CHANNEL = 'C0APPROVALS';
const APPROVER = 'U0APPROVER';

let t: TestCloud;
let slack: FakeSlack;
const output: string[] = [];

const executionOf = async (eventId: string) =>
  (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === eventId);

const requestRotation = async (name: string) => {
  await t.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: 'svc', password: `initial-${CANARY}` }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: 'required' },
      ],
    }),
  );
  const event = busEvent({ detail: { secretId: name, reason: 'quarterly', requestedBy: 'U0REQUESTER' } });
  const eventId = event.id;
  t.cloud.bus?.publish(event);
  return eventId;
};

/** What Slack posts to the interactivity endpoint when someone clicks a button on the message. */
const click = async (approvalId: string, actionId: string, userId: string) => {
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId, team_id: 'T0TEAM' },
      team: { id: 'T0TEAM' },
      actions: [{ type: 'button', action_id: actionId, block_id: 'smcp-approval', value: approvalId }],
    }),
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(`${t.cloud.url}/approvals/slack`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { text?: string } };
};

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  slack = await startFakeSlack();
  t = await startTestCloud();
  // The stage param and the API URL, as the deployed function would have them (handlers read them per call).
  process.env.SLACK_APPROVAL_CHANNEL = CHANNEL;
  process.env.SLACK_API_URL = slack.apiUrl;
  process.env.APPROVERS = APPROVER;
  await t.clients.sm.send(
    new CreateSecretCommand({ Name: secretIdOf(t, 'SLACK_BOT_TOKEN_SECRET_ID'), SecretString: BOT_TOKEN }),
  );
  await t.clients.sm.send(
    new CreateSecretCommand({ Name: secretIdOf(t, 'SLACK_SIGNING_SECRET_ID'), SecretString: SIGNING_SECRET }),
  );
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
  await slack?.close();
  delete process.env.SLACK_APPROVAL_CHANNEL;
  delete process.env.SLACK_API_URL;
  vi.restoreAllMocks();
});

afterEach(() => {
  const notifications = t.cloud.sns.outbox().map((n) => `${n.Subject ?? ''}\n${n.Message}`);
  const haystack = [...output, ...t.logs, ...notifications, ...slack.posted.map((m) => JSON.stringify(m.blocks))];
  expect(haystack.join('\n').includes(CANARY), 'the bot token, signing secret or a password leaked').toBe(false);
});

describe('Slack approval requests', () => {
  it('posts the request with Approve/Reject buttons; the Approve click lets the rotation complete', async () => {
    const eventId = await requestRotation('slack/approve');
    const waiting = await executionOf(eventId);
    const message = slack.posted.find((m) => m.text.includes('slack/approve'));
    const approvalId = message && buttonValue(message, 'approve');

    expect(waiting?.awaitingCallback).toBe(true);
    expect(message?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(message?.channel).toBe(CHANNEL);
    expect(approvalId).toMatch(/^apr-[0-9a-f]{32}$/);
    expect(message && buttonValue(message, 'reject')).toBe(approvalId);
    expect(JSON.stringify(message?.blocks)).toContain('Requested by: U0REQUESTER');
    // The same approval id goes out by SNS too: either channel can decide, once.
    expect(t.cloud.sns.outbox().some((n) => n.Message.includes(`Approval id: ${approvalId}`))).toBe(true);

    const approved = await click(approvalId ?? '', 'approve', APPROVER);
    const done = await executionOf(eventId);

    expect(approved).toEqual({
      status: 200,
      body: expect.objectContaining({ text: expect.stringContaining('Approved') }),
    });
    expect(done?.status).toBe('SUCCEEDED');
    expect(JSON.stringify(done?.history)).toContain('Rotation Completed');
  });

  it('still asks by SNS, and logs why, when Slack refuses the message', async () => {
    slack.fail = { error: 'not_in_channel' };
    const posts = slack.raw.length;
    try {
      const eventId = await requestRotation('slack/refused');
      const waiting = await executionOf(eventId);

      expect(slack.raw.length, 'Slack was called').toBeGreaterThan(posts);
      expect(waiting?.awaitingCallback).toBe(true);
      expect(t.cloud.sns.outbox().some((n) => n.Message.includes('slack/refused'))).toBe(true);
      expect(output.join('')).toContain(`Slack message not posted to ${CHANNEL}: Slack answered not_in_channel`);
    } finally {
      slack.fail = undefined;
    }
  });
});

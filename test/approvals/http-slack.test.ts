// The Slack pieces of the approval endpoint without the cloud: the Block Kit message, reading an interaction, and the
// endpoint's fail-closed answers when it cannot verify a request.
import { createHmac } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { parseSlackInteraction } from '../../functions/approvals/domain/slack-interaction.ts';
import { approvalMessage } from '../../functions/approvals/domain/slack-message.ts';
import { createSlackEndpoint } from '../../functions/approvals/steps/slack-endpoint.ts';

const APPROVAL_ID = 'apr-0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const click = (actionId: string, value: string = APPROVAL_ID, user: unknown = { id: 'U0APPROVER' }) => ({
  type: 'block_actions',
  user,
  actions: [{ type: 'button', action_id: actionId, value }],
});

describe('Slack approval message', () => {
  it('has a header, the request as plain text, and Approve/Reject buttons carrying the approval id', () => {
    const message = approvalMessage({
      approvalId: APPROVAL_ID,
      secretId: 'prod/db/main',
      requestedBy: 'U0REQUESTER',
      reason: 'suspected exposure',
      expiresAt: '2026-03-02T12:00:00.000Z',
    });

    const text = JSON.stringify(message.blocks);
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: Record<string, unknown>[] };
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(text).toContain('Secret: prod/db/main');
    expect(text).toContain('Requested by: U0REQUESTER');
    expect(text).toContain('Reason: suspected exposure');
    expect(text).toContain('Expires: 2026-03-02T12:00:00.000Z');
    expect(actions.elements).toMatchObject([
      { type: 'button', action_id: 'approve', value: APPROVAL_ID, style: 'primary' },
      { type: 'button', action_id: 'reject', value: APPROVAL_ID, style: 'danger' },
    ]);
    expect(message.text).toContain('prod/db/main');
  });

  it('keeps a requester’s text from formatting, mentioning or linking, and within Slack’s limits', () => {
    const message = approvalMessage({
      approvalId: APPROVAL_ID,
      secretId: 'x'.repeat(500),
      requestedBy: 'mallory',
      reason: `<!channel> *urgent* <https://evil.example|click> ${'y'.repeat(5000)}`,
      expiresAt: '2026-03-02T12:00:00.000Z',
    });

    const texts = JSON.stringify(message.blocks);
    expect(texts).not.toContain('"type":"mrkdwn"');
    const fields = (message.blocks[1] as { fields: { text: string }[] }).fields;
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(1000);
    expect((message.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
  });
});

describe('reading a Slack interaction', () => {
  it('reads the decision, approval id and Slack user id from a button click', () => {
    expect(parseSlackInteraction(form(click('approve')))).toEqual({
      ok: true,
      approvalId: APPROVAL_ID,
      decision: 'approve',
      approver: 'U0APPROVER',
    });
    expect(parseSlackInteraction(form(click('reject')))).toMatchObject({ ok: true, decision: 'reject' });
  });

  it.each([
    ['no payload', 'text=hello', 'the request has no single payload field'],
    ['two payloads', `${form(click('approve'))}&${form(click('reject'))}`, 'the request has no single payload field'],
    ['not JSON', 'payload=%7Bnope', 'the payload is not JSON'],
    ['another payload type', form({ ...click('approve'), type: 'view_submission' }), 'not a block_actions payload'],
    ['two actions', form({ ...click('approve'), actions: [{}, {}] }), 'the payload has no single action'],
    ['an unknown action', form(click('approve_all')), 'unknown action'],
    ['no approval id', form(click('approve', '')), 'the action carries no valid approval id'],
    ['an odd approval id', form(click('approve', 'apr-1 OR 1=1')), 'the action carries no valid approval id'],
    ['no user', form(click('approve', APPROVAL_ID, null)), 'the payload names no user'],
  ])('refuses %s', (_case, body, reason) => {
    expect(parseSlackInteraction(body)).toEqual({ ok: false, reason });
  });
});

describe('Slack endpoint, failing closed', () => {
  const signed = (body: string, secret: string) => {
    const timestamp = String(Math.floor(NOW.getTime() / 1000));
    return {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    };
  };

  it('answers 401 and decides nothing while no signing secret is configured', async () => {
    const decide = vi.fn();
    const endpoint = createSlackEndpoint({ signingSecret: async () => undefined, decide, logger, now: () => NOW });
    const body = form(click('approve'));

    const response = await endpoint({ headers: signed(body, ''), body, isBase64Encoded: false });

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ error: 'signing secret is not configured' });
    expect(decide).not.toHaveBeenCalled();
  });

  it('verifies the bytes API Gateway base64-encoded, and refuses an oversized body before verifying', async () => {
    const decide = vi.fn(async () => ({
      ok: true as const,
      approvalId: APPROVAL_ID,
      status: 'approved',
      decidedBy: 'U0APPROVER',
      workflowNotified: true,
    }));
    const endpoint = createSlackEndpoint({
      signingSecret: async () => 'signing-secret',
      decide,
      logger,
      now: () => NOW,
    });
    const body = form(click('approve'));
    const huge = 'a'.repeat(70 * 1024);

    const response = await endpoint({
      headers: signed(body, 'signing-secret'),
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    const tooLarge = await endpoint({ headers: signed(huge, 'signing-secret'), body: huge, isBase64Encoded: false });

    expect(response.statusCode).toBe(200);
    expect(decide).toHaveBeenCalledExactlyOnceWith({
      approvalId: APPROVAL_ID,
      decision: 'approve',
      approver: 'U0APPROVER',
    });
    expect(tooLarge.statusCode).toBe(413);
  });

  it('lets a failure to read the signing secret surface as an error (API Gateway answers 500), deciding nothing', async () => {
    const decide = vi.fn();
    const endpoint = createSlackEndpoint({
      signingSecret: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      decide,
      logger,
      now: () => NOW,
    });
    const body = form(click('approve'));

    await expect(endpoint({ headers: signed(body, 'x'), body, isBase64Encoded: false })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(decide).not.toHaveBeenCalled();
  });
});

// The approval HTTP endpoint end to end: real HTTP requests to the local cloud's HTTP API routes (serverless.yml's
// `httpApi` events), a rotation really waiting for approval in Step Functions, and the issue's security cases. Every
// refusal must give a clear reason, call neither SendTaskSuccess nor SendTaskFailure, and leave the execution
// waiting; the signing secret and the link key (canaries) must never appear in a response or a log line.
import { createHmac, randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signLinkToken } from '../../functions/approvals/domain/link-token.ts';
import { settle } from '../../local/settle.ts';
import { busEvent } from '../support/events.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { secretIdOf } from './support.ts';

const CANARY = `canary-${randomUUID()}`;
const SIGNING_SECRET = `slack-signing-${CANARY}`;
const LINK_KEY = `link-key-${CANARY}-${randomUUID()}`;
const REQUESTER = 'U0REQUESTER';
const APPROVER = 'U0APPROVER';

let t: TestCloud;
const output: string[] = [];
const responses: string[] = [];
const sendTaskCalls: string[] = [];

interface WaitingRotation {
  readonly eventId: string;
  readonly approvalId: string;
  readonly approveLink: string;
  readonly rejectLink: string;
}

const executionOf = async (eventId: string) =>
  (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === eventId);

/** A random-password secret that needs approval, a `Rotation Requested` for it, and the rotation waiting. */
const startWaitingRotation = async (name: string): Promise<WaitingRotation> => {
  await t.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: 'svc', password: 'initial-password' }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: 'required' },
      ],
    }),
  );
  const event = busEvent({ detail: { secretId: name, reason: 'quarterly', requestedBy: REQUESTER } });
  const eventId = event.id;
  t.cloud.bus?.publish(event);
  const execution = await executionOf(eventId);
  expect(execution?.awaitingCallback, `${name} waits for approval`).toBe(true);
  const message = t.cloud.sns.outbox().find((n) => n.Message.includes(`rotate ${name}`) || n.Message.includes(name));
  const text = message?.Message ?? '';
  return {
    eventId,
    approvalId: /Approval id: (apr-[0-9a-f]+)/.exec(text)?.[1] ?? '',
    approveLink: /Approve: (\S+)/.exec(text)?.[1] ?? '',
    rejectLink: /Reject: (\S+)/.exec(text)?.[1] ?? '',
  };
};

const record = async (response: Response) => {
  const body = await response.text();
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    headers.push(`${name}: ${value}`);
  });
  responses.push(body, ...headers);
  return { status: response.status, body, headers: response.headers };
};

// --- Slack ---

const slackBody = (approvalId: string, actionId: string, userId: string) =>
  new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId, username: 'someone', team_id: 'T0TEAM' },
      team: { id: 'T0TEAM' },
      actions: [{ type: 'button', action_id: actionId, block_id: 'smcp-approval', value: approvalId }],
      response_url: 'https://hooks.slack.example/actions/1',
    }),
  }).toString();

const slackSign = (body: string, timestamp: number, secret = SIGNING_SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

const postSlack = async (body: string, headers: Record<string, string>) =>
  record(
    await fetch(`${t.cloud.url}/approvals/slack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    }),
  );

const signedSlack = (body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': slackSign(body, timestamp),
});

// --- links ---

const getLink = async (link: string) => record(await fetch(link, { redirect: 'manual' }));

/** What the confirmation page's button does: post the form back to the page's own URL. */
const confirmLink = async (link: string) => {
  const token = new URL(link).searchParams.get('token') ?? '';
  return record(
    await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    }),
  );
};

const linkFor = (token: string) => `${t.cloud.url}/approvals/link?token=${token}`;

const expectStillWaiting = async (rotation: WaitingRotation, callsBefore: number) => {
  expect(sendTaskCalls.length, 'no SendTask call').toBe(callsBefore);
  expect((await executionOf(rotation.eventId))?.awaitingCallback, 'still waiting for approval').toBe(true);
};

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  t = await startTestCloud();
  // Links point at this cloud's route (request-approval reads the base URL when it first runs).
  process.env.APPROVAL_LINK_BASE_URL = `${t.cloud.url}/approvals/link`;
  // Handlers read the allowlist per call. Slack approves as the user id; a link without an approver claim as link:sns.
  process.env.APPROVERS = `${APPROVER},${REQUESTER},link:sns,bob@example.com`;
  await t.clients.sm.send(
    new CreateSecretCommand({ Name: secretIdOf(t, 'SLACK_SIGNING_SECRET_ID'), SecretString: SIGNING_SECRET }),
  );
  await t.clients.sm.send(
    new CreateSecretCommand({ Name: secretIdOf(t, 'APPROVAL_LINK_KEY_SECRET_ID'), SecretString: LINK_KEY }),
  );
  // Watch the Step Functions API: a refusal must never reach SendTaskSuccess/SendTaskFailure.
  const operations = t.cloud.stepfunctions.service.operations as Record<
    string,
    (typeof t.cloud.stepfunctions.service.operations)[string]
  >;
  for (const name of ['SendTaskSuccess', 'SendTaskFailure']) {
    const original = operations[name];
    if (!original) throw new Error(`the local Step Functions has no ${name}`);
    operations[name] = (input, ctx) => {
      sendTaskCalls.push(name);
      return original(input, ctx);
    };
  }
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
  vi.restoreAllMocks();
});

afterEach(() => {
  const haystack = [...output, ...responses, ...t.logs].join('\n');
  expect(haystack.includes(CANARY), 'the signing secret or link key leaked').toBe(false);
});

describe('Slack interactivity endpoint (POST /approvals/slack)', () => {
  it('refuses forged, stale, future, unsigned and tampered requests without deciding anything', async () => {
    const rotation = await startWaitingRotation('http/slack-refusals');
    const calls = sendTaskCalls.length;
    const body = slackBody(rotation.approvalId, 'approve', APPROVER);
    const now = Math.floor(Date.now() / 1000);

    const forged = await postSlack(body, {
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': slackSign(body, now, 'not-the-signing-secret'),
    });
    const stale = await postSlack(body, signedSlack(body, now - 6 * 60));
    const future = await postSlack(body, signedSlack(body, now + 6 * 60));
    const noSignature = await postSlack(body, { 'x-slack-request-timestamp': String(now) });
    const noTimestamp = await postSlack(body, { 'x-slack-signature': slackSign(body, now) });
    const tampered = await postSlack(
      slackBody('apr-00000000000000000000000000000000', 'approve', APPROVER),
      signedSlack(body, now),
    );

    for (const response of [forged, stale, future, noSignature, noTimestamp, tampered]) {
      expect(response.status).toBe(401);
    }
    expect(JSON.parse(forged.body)).toEqual({ error: 'signature mismatch' });
    expect(JSON.parse(stale.body)).toEqual({ error: 'timestamp outside the 5-minute window' });
    expect(JSON.parse(future.body)).toEqual({ error: 'timestamp outside the 5-minute window' });
    expect(JSON.parse(noSignature.body)).toEqual({ error: 'missing X-Slack-Signature' });
    expect(JSON.parse(noTimestamp.body)).toEqual({ error: 'missing X-Slack-Request-Timestamp' });
    expect(JSON.parse(tampered.body)).toEqual({ error: 'signature mismatch' });
    // The refusals are logged (so the canary check below really searches the handlers' log lines).
    expect(output.join('')).toContain('Slack request refused');
    await expectStillWaiting(rotation, calls);
  });

  it('refuses self-approval, an approver not on the allowlist and an unknown approval, in Slack’s reply', async () => {
    const rotation = await startWaitingRotation('http/slack-policy');
    const calls = sendTaskCalls.length;
    const send = (body: string) => postSlack(body, signedSlack(body));

    const self = await send(slackBody(rotation.approvalId, 'approve', REQUESTER));
    const outsider = await send(slackBody(rotation.approvalId, 'approve', 'U0MALLORY'));
    const unknown = await send(slackBody('apr-00000000000000000000000000000000', 'approve', APPROVER));
    const badAction = await send(slackBody(rotation.approvalId, 'approve-everything', APPROVER));

    for (const response of [self, outsider, unknown]) {
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    }
    expect(JSON.parse(self.body).text).toContain('the requester may not approve their own request');
    expect(JSON.parse(outsider.body).text).toContain('approver is not allowed to decide this request');
    expect(JSON.parse(unknown.body).text).toContain('approval not found');
    expect(badAction.status).toBe(400);
    expect(JSON.parse(badAction.body)).toEqual({ error: 'unknown action' });
    await expectStillWaiting(rotation, calls);
  });

  it('approves a waiting rotation, which then completes; the same request replayed is already decided', async () => {
    const rotation = await startWaitingRotation('http/slack-approve');
    const calls = sendTaskCalls.length;
    const body = slackBody(rotation.approvalId, 'approve', APPROVER);
    const headers = signedSlack(body);

    const approved = await postSlack(body, headers);
    const replayed = await postSlack(body, headers);
    const execution = await executionOf(rotation.eventId);

    expect(approved.status).toBe(200);
    expect(JSON.parse(approved.body)).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Approved ${rotation.approvalId}: the rotation continues.`,
    });
    expect(JSON.parse(replayed.body).text).toContain('already decided');
    expect(sendTaskCalls.slice(calls)).toEqual(['SendTaskSuccess']);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(JSON.stringify(execution?.history)).toContain('Rotation Completed');
  });
});

describe('signed approval links (GET/POST /approvals/link)', () => {
  it('GET only shows a confirmation form; its POST approves and the rotation completes; the link then is spent', async () => {
    const rotation = await startWaitingRotation('http/link-approve');
    const calls = sendTaskCalls.length;

    const page = await getLink(rotation.approveLink);
    const waitingAfterGet = (await executionOf(rotation.eventId))?.awaitingCallback;
    const callsAfterGet = sendTaskCalls.length;
    const approved = await confirmLink(rotation.approveLink);
    const reused = await confirmLink(rotation.approveLink);
    const reusedGet = await getLink(rotation.approveLink);
    const execution = await executionOf(rotation.eventId);

    expect(rotation.approveLink.startsWith(`${t.cloud.url}/approvals/link?token=`)).toBe(true);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain('http/link-approve');
    expect(waitingAfterGet).toBe(true);
    expect(callsAfterGet).toBe(calls);
    expect(approved.status).toBe(200);
    expect(approved.body).toContain(`Approval ${rotation.approvalId} was approved by link:sns`);
    expect(reused.status).toBe(409);
    expect(reused.body).toContain('already decided');
    expect(reusedGet.status).toBe(409);
    expect(sendTaskCalls.slice(calls)).toEqual(['SendTaskSuccess']);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(JSON.stringify(execution?.history)).toContain('Rotation Completed');
  });

  it('rejects through the reject link: the rotation ends Rotation Rejected', async () => {
    const rotation = await startWaitingRotation('http/link-reject');
    const calls = sendTaskCalls.length;

    const rejected = await confirmLink(rotation.rejectLink);
    const execution = await executionOf(rotation.eventId);

    expect(rejected.status).toBe(200);
    expect(rejected.body).toContain('was rejected by link:sns');
    expect(sendTaskCalls.slice(calls)).toEqual(['SendTaskFailure']);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(JSON.stringify(execution?.history)).toContain('Rotation Rejected');
  });

  it('refuses expired, tampered, foreign-key, self-approving and unlisted links without deciding anything', async () => {
    const rotation = await startWaitingRotation('http/link-refusals');
    const calls = sendTaskCalls.length;
    const claims = { approvalId: rotation.approvalId, decision: 'approve' as const, nonce: randomUUID() };
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const token = new URL(rotation.approveLink).searchParams.get('token') ?? '';
    const [payload = '', mac = ''] = token.split('.');
    const forgedClaims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), approvalId: 'apr-other' };
    const tamperedToken = `${Buffer.from(JSON.stringify(forgedClaims)).toString('base64url')}.${mac}`;

    const expired = await confirmLink(
      linkFor(signLinkToken({ ...claims, expiresAt: new Date(Date.now() - 1000).toISOString() }, LINK_KEY)),
    );
    const tampered = await confirmLink(linkFor(tamperedToken));
    const tamperedGet = await getLink(linkFor(tamperedToken));
    const foreignKey = await confirmLink(
      linkFor(signLinkToken({ ...claims, expiresAt: inAnHour }, 'another-key-of-at-least-32-bytes-long')),
    );
    const self = await confirmLink(
      linkFor(signLinkToken({ ...claims, approver: REQUESTER, expiresAt: inAnHour }, LINK_KEY)),
    );
    const outsider = await confirmLink(
      linkFor(signLinkToken({ ...claims, approver: 'mallory@example.com', expiresAt: inAnHour }, LINK_KEY)),
    );
    const missing = await confirmLink(`${t.cloud.url}/approvals/link`);

    expect(expired.status).toBe(410);
    expect(expired.body).toContain('link expired');
    expect(tampered.status).toBe(403);
    expect(tampered.body).toContain('signature mismatch');
    expect(tamperedGet.status).toBe(403);
    expect(foreignKey.status).toBe(403);
    expect(foreignKey.body).toContain('signature mismatch');
    expect(self.status).toBe(403);
    expect(self.body).toContain('the requester may not approve their own request');
    expect(outsider.status).toBe(403);
    expect(outsider.body).toContain('approver is not allowed to decide this request');
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('missing token');
    await expectStillWaiting(rotation, calls);
  });

  it('decides as the link’s approver claim when it has one', async () => {
    const rotation = await startWaitingRotation('http/link-approver-claim');
    const link = linkFor(
      signLinkToken(
        {
          approvalId: rotation.approvalId,
          decision: 'approve',
          approver: 'Bob@Example.com',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          nonce: randomUUID(),
        },
        LINK_KEY,
      ),
    );

    const approved = await confirmLink(link);

    expect(approved.status).toBe(200);
    expect(approved.body).toContain('was approved by bob@example.com');
    expect((await executionOf(rotation.eventId))?.status).toBe('SUCCEEDED');
  });
});

// The security cases, end to end through the pieces a callback will chain: verify the request → read the
// record → decide → one conditional write. The `callback*` helpers below stand in for the Lambda wiring (not written
// yet); each case must end in a rejection with a clear reason, and no secret may leak into any reason or error.
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalStore, createApprovalStore } from '../../functions/approvals/adapters/store.ts';
import { signLinkToken, verifyLinkToken } from '../../functions/approvals/domain/link-token.ts';
import { type ApprovalRecord, type Decision, decide } from '../../functions/approvals/domain/record.ts';
import { verifySlackRequest } from '../../functions/approvals/domain/slack-signature.ts';
import { createDynamoDb, type DynamoDbEmulator } from '../../local/dynamodb/index.ts';
import { type Endpoint, startEndpoint } from '../../local/server.ts';

// Canaries: none of these may ever appear in a reason or an error.
const SIGNING_SECRET = 'CANARY-slack-signing-secret-5d2e';
const LINK_KEY = 'CANARY-link-key-0123456789abcdefghij';
const TASK_TOKEN = 'CANARY-task-token-AAEAAC9fQ2xvdWQ';
const CANARIES = [SIGNING_SECRET, LINK_KEY, TASK_TOKEN];

const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const ALLOWLIST = ['U0APPROVER', 'alice@example.com'];
const REQUESTER = 'U0REQUESTER';

type Outcome = { ok: true; record: ApprovalRecord } | { ok: false; reason: string };

let db: DynamoDbEmulator;
let endpoint: Endpoint;
let client: DynamoDBClient;
let store: ApprovalStore;
let approvalId: string;
let sequence = 0;
/** Every reason and error seen, to check for canaries at the end. */
const seen: string[] = [];

const record = (id: string): ApprovalRecord => ({
  approvalId: id,
  taskToken: TASK_TOKEN,
  secretId: 'prod/db/password',
  action: 'rotate',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:smcp-local-rotation:e-1',
  requestedBy: REQUESTER,
  expiresAt: '2026-03-01T13:00:00.000Z',
  status: 'pending',
  channel: 'slack',
});

/** Reads, decides and writes once; store errors become reasons, as the callback will answer them. */
const applyDecision = async (
  id: string,
  decision: Decision,
  approver: string | undefined,
  now: Date,
): Promise<Outcome> => {
  try {
    const current = await store.get(id);
    if (!current) return { ok: false, reason: 'unknown approval' };
    const decided = decide(current, { decision, approver, now, allowlist: ALLOWLIST });
    if (!decided.ok) return decided;
    const { status, decidedBy, decidedAt } = decided.next;
    if (status !== 'approved' && status !== 'rejected') throw new Error('decide returned a pending record');
    return {
      ok: true,
      record: await store.markDecided(id, { status, decidedBy: decidedBy ?? '', decidedAt: decidedAt ?? '' }),
    };
  } catch (error) {
    seen.push(inspect(error, { depth: 10 }));
    const name = (error as Error).name;
    if (name === 'ApprovalAlreadyDecidedError') return { ok: false, reason: 'already decided' };
    if (name === 'ApprovalExpiredError') return { ok: false, reason: 'expired' };
    throw error;
  }
};

const note = (outcome: Outcome): Outcome => {
  if (!outcome.ok) seen.push(outcome.reason);
  return outcome;
};

interface SlackCall {
  readonly headers: Record<string, string>;
  readonly rawBody: string;
}

/** A Block Kit button click as Slack posts it: form-encoded `payload` JSON, signed. */
const slackClick = (id: string, decision: Decision, user: string, timestamp = NOW_SECONDS): SlackCall => {
  const payload = { type: 'block_actions', user: { id: user }, actions: [{ action_id: decision, value: id }] };
  const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return {
    rawBody,
    headers: { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` },
  };
};

const callbackFromSlack = async (call: SlackCall, now = NOW): Promise<Outcome> => {
  const verified = verifySlackRequest({
    signingSecret: SIGNING_SECRET,
    headers: call.headers,
    rawBody: call.rawBody,
    now,
  });
  if (!verified.ok) return note(verified);
  // Parsed only after verification; the shape is trusted because Slack signed it.
  const payload = JSON.parse(new URLSearchParams(call.rawBody).get('payload') ?? '{}');
  const action = payload.actions[0];
  return note(await applyDecision(action.value, action.action_id, payload.user.id, now));
};

const callbackFromLink = async (token: string, now = NOW): Promise<Outcome> => {
  const verified = verifyLinkToken(token, LINK_KEY, now);
  if (!verified.ok) return note(verified);
  const { claims } = verified;
  return note(await applyDecision(claims.approvalId, claims.decision, claims.approver, now));
};

const link = (id: string, decision: Decision, approver = 'alice@example.com', expiresAt = '2026-03-01T12:30:00.000Z') =>
  signLinkToken({ approvalId: id, decision, approver, expiresAt, nonce: `n-${id}-${decision}` }, LINK_KEY);

const stored = async (id: string) => (await store.get(id))?.status;

beforeAll(async () => {
  db = createDynamoDb();
  endpoint = await startEndpoint({
    services: [],
    port: 0,
    routes: async (req, res, body) => {
      if (!db.isDynamoDbRequest(req)) return false;
      db.handle(req, res, body);
      return true;
    },
  });
  await db.createTable({
    TableName: 'approvals',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'approvalId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'approvalId', KeyType: 'HASH' }],
  });
  client = new DynamoDBClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  store = createApprovalStore({ ddb: DynamoDBDocumentClient.from(client), tableName: 'approvals' });
});

afterAll(async () => {
  client?.destroy();
  await endpoint?.close();
  await db?.close();
});

beforeEach(async () => {
  sequence += 1;
  approvalId = `apr-sec-${sequence}`;
  await store.put(record(approvalId));
});

describe('approval callback security', () => {
  it('approves on a genuine, fresh Slack click by an allowed approver (the baseline)', async () => {
    const outcome = await callbackFromSlack(slackClick(approvalId, 'approve', 'U0APPROVER'));
    expect(outcome).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'U0APPROVER' } });
  });

  it('rejects a bad Slack signature', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER');
    const forged = { ...call, headers: { ...call.headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` } };
    expect(await callbackFromSlack(forged)).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(await stored(approvalId)).toBe('pending');
  });

  it('rejects a click whose body was edited to approve as someone else', async () => {
    const call = slackClick(approvalId, 'approve', 'U0REQUESTER');
    const edited = { ...call, rawBody: call.rawBody.replace('U0REQUESTER', 'U0APPROVER') };
    expect(await callbackFromSlack(edited)).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('rejects a stale timestamp', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER', NOW_SECONDS - 6 * 60);
    expect(await callbackFromSlack(call)).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
    expect(await stored(approvalId)).toBe('pending');
  });

  it('rejects a future timestamp', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER', NOW_SECONDS + 6 * 60);
    expect(await callbackFromSlack(call)).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
  });

  it('rejects a replayed Slack request: the second delivery finds the approval already decided', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER');
    expect((await callbackFromSlack(call)).ok).toBe(true);
    expect(await callbackFromSlack(call, new Date(NOW.getTime() + 30_000))).toEqual({
      ok: false,
      reason: 'already decided',
    });
  });

  it('rejects a replay that raced the original past every check: one conditional write in the store decides', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER');
    const verify = () => verifySlackRequest({ signingSecret: SIGNING_SECRET, ...call, now: NOW });
    expect([verify(), verify()]).toEqual([{ ok: true }, { ok: true }]);
    // Both deliveries read the record before either wrote: both see it pending, both decisions pass.
    const snapshot = await store.get(approvalId);
    if (!snapshot) throw new Error('record missing');
    const decisions = [1, 2].map(() =>
      decide(snapshot, { decision: 'approve', approver: 'U0APPROVER', now: NOW, allowlist: ALLOWLIST }),
    );
    const writes = await Promise.allSettled(
      decisions.map((d) => {
        if (!d.ok) throw new Error(d.reason);
        return store.markDecided(approvalId, {
          status: 'approved',
          decidedBy: 'U0APPROVER',
          decidedAt: NOW.toISOString(),
        });
      }),
    );
    expect(writes.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
    const lost = writes.find((w) => w.status === 'rejected');
    expect(lost?.reason).toMatchObject({
      name: 'ApprovalAlreadyDecidedError',
      message: `Approval ${approvalId} was already decided`,
    });
    seen.push(inspect(lost?.reason, { depth: 10 }));
  });

  it('rejects concurrent deliveries of one click end to end: exactly one succeeds', async () => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER');
    const outcomes = await Promise.all([callbackFromSlack(call), callbackFromSlack(call)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, reason: 'already decided' }]);
  });

  it.each([
    ['the signature', 'x-slack-signature', 'missing X-Slack-Signature'],
    ['the timestamp', 'x-slack-request-timestamp', 'missing X-Slack-Request-Timestamp'],
  ])('rejects a request missing %s', async (_, name, reason) => {
    const call = slackClick(approvalId, 'approve', 'U0APPROVER');
    const headers = Object.fromEntries(Object.entries(call.headers).filter(([key]) => key !== name));
    expect(await callbackFromSlack({ ...call, headers })).toEqual({ ok: false, reason });
    expect(await callbackFromSlack({ ...call, headers: {} })).toMatchObject({ ok: false });
  });

  it('rejects self-approval', async () => {
    const outcome = await callbackFromSlack(slackClick(approvalId, 'approve', REQUESTER));
    expect(outcome).toEqual({ ok: false, reason: 'the requester may not approve their own request' });
    expect(await stored(approvalId)).toBe('pending');
  });

  it('rejects an approver who is not allowed', async () => {
    const outcome = await callbackFromSlack(slackClick(approvalId, 'approve', 'U0MALLORY'));
    expect(outcome).toEqual({ ok: false, reason: 'approver is not allowed to decide this request' });
  });

  it('approves through an email link (the baseline)', async () => {
    const outcome = await callbackFromLink(link(approvalId, 'approve'));
    expect(outcome).toMatchObject({ ok: true, record: { status: 'approved', decidedBy: 'alice@example.com' } });
  });

  it('rejects an expired link', async () => {
    const token = link(approvalId, 'approve');
    expect(await callbackFromLink(token, new Date('2026-03-01T12:30:00.000Z'))).toEqual({
      ok: false,
      reason: 'link expired',
    });
    expect(await stored(approvalId)).toBe('pending');
  });

  it('rejects a link that outlives its approval', async () => {
    const token = link(approvalId, 'approve', 'alice@example.com', '2026-03-02T00:00:00.000Z');
    expect(await callbackFromLink(token, new Date('2026-03-01T13:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('rejects a reused link, and the other link of the pair once one was used', async () => {
    const approve = link(approvalId, 'approve');
    expect((await callbackFromLink(approve)).ok).toBe(true);
    expect(await callbackFromLink(approve)).toEqual({ ok: false, reason: 'already decided' });
    expect(await callbackFromLink(link(approvalId, 'reject'))).toEqual({ ok: false, reason: 'already decided' });
    expect(await stored(approvalId)).toBe('approved');
  });

  it('rejects a link whose approval id was changed to another approval', async () => {
    const other = `${approvalId}-other`;
    await store.put(record(other));
    const [payload = '', signature = ''] = link(approvalId, 'approve').split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, approvalId: other })).toString('base64url')}.${signature}`;
    expect(await callbackFromLink(tampered)).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(await stored(other)).toBe('pending');
  });

  it('rejects a link sent to someone not allowed, and a link minted for the requester', async () => {
    expect(await callbackFromLink(link(approvalId, 'approve', 'mallory@example.com'))).toEqual({
      ok: false,
      reason: 'approver is not allowed to decide this request',
    });
    expect(await callbackFromLink(link(approvalId, 'approve', REQUESTER))).toEqual({
      ok: false,
      reason: 'the requester may not approve their own request',
    });
  });
});

describe('secrets in reasons and errors', () => {
  it('never shows the signing secret, the link key or the task token', () => {
    // Runs after the cases above (vitest keeps file order): `seen` holds every reason and error they produced.
    expect(seen.length).toBeGreaterThan(15);
    for (const text of seen) {
      for (const canary of CANARIES) expect(text).not.toContain(canary);
    }
  });
});

// Property tests (fast-check) of the approval doors and of the sanitiser. The doors run on the local cloud over real
// HTTP: whatever a caller sends — Slack payloads, headers, timestamps, link tokens — nothing is decided without a
// valid signature or token, and however many valid decisions race, exactly one wins. The sanitiser's properties are
// what every human-facing text relies on (functions/shared/domain/sanitise.ts).
import { createHmac, randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { identityKey } from '../../functions/approvals/domain/identity.ts';
import { signLinkToken } from '../../functions/approvals/domain/link-token.ts';
import { htmlEscaped, oneLine, printableLines, quoted, slackEscaped } from '../../functions/shared/domain/sanitise.ts';
import { settle } from '../../local/settle.ts';
import { tableNamed } from '../../scripts/cli/stack.ts';
import { decideApproval, type PutEntry, recordPutEvents } from '../reads/support.ts';
import { busEvent } from '../support/events.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { secretIdOf } from './support.ts';

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// Invisible or layout characters an attacker would slip in: zero-width, bidi, BOM, soft hyphen, controls.
const SNEAKY = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u202e', '\u2066', '\u0000', '\u001b'];

describe('sanitiser properties', () => {
  const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 }));

  it('puts any text on one line without control, format or separator characters, idempotently', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const line = oneLine(text);
        expect(line).not.toMatch(INVISIBLE);
        expect(line).not.toContain('\n');
        expect(oneLine(line)).toBe(line);
      }),
    );
  });

  it('quotes free text so that where it ends is unambiguous', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const q = quoted(text);
        expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
        expect(JSON.parse(q)).toBe(oneLine(text));
        expect(q).not.toContain('\n');
      }),
    );
  });

  it('cuts at the limit without splitting a character', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 40 }), (text, max) => {
        const line = oneLine(text, max);
        expect(Array.from(line).length).toBeLessThanOrEqual(max);
        expect(line).not.toMatch(/[\ud800-\udbff]$/);
      }),
    );
  });

  it('leaves no Slack control sequence: no <, no >, and & only as an entity', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = slackEscaped(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }),
    );
  });

  it('leaves no HTML markup character, and & only as an entity', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = htmlEscaped(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(escaped).not.toMatch(INVISIBLE);
      }),
    );
  });

  it('keeps our own line breaks in a message and cleans every line', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 6 }), (lines) => {
        const message = printableLines(lines.map((line) => oneLine(line)).join('\n'));
        expect(message.split('\n')).toHaveLength(Math.max(lines.length, 1));
        for (const line of message.split('\n')) expect(line).not.toMatch(INVISIBLE);
      }),
    );
  });

  it('gives an identity one key whatever invisible characters or case it is spelled with', () => {
    const name = fc.string({
      minLength: 1,
      maxLength: 24,
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.@ '),
    });
    fc.assert(
      fc.property(
        name,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SNEAKY)), { maxLength: 4 }),
        fc.boolean(),
        (id, inserts, upper) => {
          let variant = upper ? id.toUpperCase() : id;
          for (const [at, char] of inserts) {
            const i = at % (variant.length + 1);
            variant = `${variant.slice(0, i)}${char}${variant.slice(i)}`;
          }
          expect(identityKey(variant)).toBe(identityKey(id));
        },
      ),
    );
  });
});

describe('approval endpoint properties (local cloud, real HTTP)', () => {
  const SIGNING_SECRET = `signing-${randomUUID()}`;
  const LINK_KEY = `link-key-${randomUUID()}-${randomUUID()}`;
  const APPROVER = 'U0APPROVER';
  let t: TestCloud;
  let put: PutEntry[] = [];

  beforeAll(async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as never);
    t = await startTestCloud();
    put = recordPutEvents(t);
    process.env.APPROVERS = `${APPROVER},link:sns,local-operator`;
    await t.clients.sm.send(
      new CreateSecretCommand({ Name: secretIdOf(t, 'SLACK_SIGNING_SECRET_ID'), SecretString: SIGNING_SECRET }),
    );
    await t.clients.sm.send(
      new CreateSecretCommand({ Name: secretIdOf(t, 'APPROVAL_LINK_KEY_SECRET_ID'), SecretString: LINK_KEY }),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.cloud.stop();
    vi.restoreAllMocks();
  });

  const waitingApproval = async () => {
    const name = `properties/${randomUUID().slice(0, 8)}`;
    const { ARN = '' } = await t.clients.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ password: `p-${randomUUID()}` }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    const event = busEvent({ detail: { secretId: name, requestedBy: 'U0REQUESTER' } });
    t.cloud.bus.publish(event);
    await settle(t.cloud);
    const requested = put.find((e) => e.DetailType === 'Approval Requested' && e.Detail.secretId === ARN);
    const approvalId = String(requested?.Detail.approvalId);
    const message = t.cloud.sns.outbox().find((n) => n.Message.includes(approvalId))?.Message ?? '';
    return {
      approvalId,
      approveLink: /^Approve: (\S+)$/m.exec(message)?.[1] ?? '',
      expiresAt: String(requested?.Detail.expiresAt),
    };
  };

  const statusOf = async (approvalId: string) =>
    (
      await t.clients.ddb.send(
        new GetItemCommand({
          TableName: tableNamed(t.cloud.stack, 'ApprovalsTable'),
          Key: { approvalId: { S: approvalId } },
        }),
      )
    ).Item?.status?.S;

  const decisionsOf = (approvalId: string) =>
    put.filter((e) => e.DetailType === 'Approval Decided' && e.Detail.approvalId === approvalId);

  const clickBody = (approvalId: string, actionId: string, user: string) =>
    new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: user },
        actions: [{ action_id: actionId, value: approvalId }],
      }),
    }).toString();

  const sign = (body: string, timestamp: string, secret = SIGNING_SECRET) =>
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

  const postSlack = (body: string, headers: Record<string, string>) =>
    fetch(`${t.cloud.url}/approvals/slack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  it('decides nothing from a Slack request without a valid signature in the window', async () => {
    const { approvalId } = await waitingApproval();
    const now = () => Math.floor(Date.now() / 1000);
    const printable = fc.string({ maxLength: 80 });
    // What an attacker controls: the body (a genuine-looking click or anything), the headers, the timestamp.
    const body = fc.oneof(
      printable,
      fc.constantFrom('approve', 'reject', '__proto__').map((action) => clickBody(approvalId, action, APPROVER)),
      fc
        .record({
          type: printable,
          user: fc.record({ id: printable }),
          actions: fc.array(fc.record({ action_id: printable, value: printable })),
        })
        .map((payload) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
    );
    const timestamp = fc.oneof(
      printable,
      fc.integer({ min: 301, max: 10_000_000 }).map((skew) => String(now() - skew)),
      fc.integer({ min: 301, max: 10_000_000 }).map((skew) => String(now() + skew)),
      fc.constant('').map(() => String(now())),
    );
    const signature = fc.oneof(
      printable,
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
        .map((hex) => `v0=${hex}`),
      fc.constant('wrong-secret'),
      fc.constant('other-body'),
      fc.constant('valid'),
    );
    const extraHeaders = fc.dictionary(
      fc.constantFrom('x-slack-signature', 'X-Slack-Request-Timestamp', 'x-forwarded-for', 'x-slack-retry-num'),
      printable,
      { maxKeys: 2 },
    );

    await fc.assert(
      fc.asyncProperty(body, timestamp, signature, extraHeaders, async (raw, ts, sig, extra) => {
        const stale = Math.abs(now() - Number(ts)) > 300 || !/^\d{1,12}$/.test(ts);
        const signatureValue =
          sig === 'wrong-secret'
            ? sign(raw, ts, `${SIGNING_SECRET}-other`)
            : sig === 'other-body'
              ? sign(`${raw}&x=1`, ts)
              : sig === 'valid'
                ? sign(raw, ts)
                : sig;
        // A valid signature is only allowed through when the timestamp is outside the window (else it is genuine).
        if (sig === 'valid' && !stale) return;
        const headers = { ...extra, 'x-slack-request-timestamp': ts, 'x-slack-signature': signatureValue };
        const response = await postSlack(raw, headers);
        await response.text();
        expect(await statusOf(approvalId)).toBe('pending');
      }),
      { numRuns: 150 },
    );
    expect(decisionsOf(approvalId)).toEqual([]);
  });

  it('decides nothing from a link token that is not one we signed for this approval and still valid', async () => {
    const { approvalId, approveLink, expiresAt } = await waitingApproval();
    const genuine = new URL(approveLink).searchParams.get('token') ?? '';
    expect(genuine).not.toBe('');
    const token = fc.oneof(
      fc.string({ maxLength: 200 }),
      // The genuine token with one character changed, cut, or extended.
      fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_.=')).map(([at, c]) => {
        const i = at % genuine.length;
        const changed = `${genuine.slice(0, i)}${c}${genuine.slice(i + 1)}`;
        return changed === genuine ? `${genuine}${c}` : changed;
      }),
      fc.nat().map((n) => genuine.slice(0, n % genuine.length)),
      // Well-formed claims signed with another key, or with ours for another approval or an instant already past.
      fc
        .record({
          key: fc.constantFrom(`${LINK_KEY}-other`, LINK_KEY),
          approvalId: fc.constantFrom(`apr-${'0'.repeat(32)}`, `${approvalId}x`),
          expiresAt: fc.constantFrom(expiresAt, '2020-01-01T00:00:00.000Z'),
        })
        .map(({ key, approvalId: id, expiresAt: at }) =>
          signLinkToken({ approvalId: id, decision: 'approve', expiresAt: at, nonce: randomUUID() }, key),
        ),
    );
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom('GET', 'POST'), async (candidate, method) => {
        const url = `${t.cloud.url}/approvals/link?token=${encodeURIComponent(candidate)}`;
        const response =
          method === 'GET'
            ? await fetch(url)
            : await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ token: candidate }).toString(),
              });
        const page = await response.text();
        expect(page).not.toContain('was approved');
        expect(await statusOf(approvalId)).toBe('pending');
      }),
      { numRuns: 150 },
    );
    expect(decisionsOf(approvalId)).toEqual([]);
  });

  it('never records two decisions, whichever valid doors race for one approval', async () => {
    const door = fc.constantFrom('slack-approve', 'slack-reject', 'link', 'function-approve', 'function-reject');
    await fc.assert(
      fc.asyncProperty(fc.array(door, { minLength: 2, maxLength: 6 }), async (doors) => {
        const { approvalId, approveLink } = await waitingApproval();
        const results = await Promise.all(
          doors.map(async (which) => {
            if (which.startsWith('slack-')) {
              const body = clickBody(approvalId, which.slice(6), APPROVER);
              const ts = String(Math.floor(Date.now() / 1000));
              const answer = (await (
                await postSlack(body, { 'x-slack-request-timestamp': ts, 'x-slack-signature': sign(body, ts) })
              ).json()) as { text?: string };
              return /^(Approved|Rejected) /.test(answer.text ?? '');
            }
            if (which === 'link') {
              const token = new URL(approveLink).searchParams.get('token') ?? '';
              const response = await fetch(approveLink, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ token }).toString(),
              });
              await response.text();
              return response.status === 200;
            }
            const decided = await decideApproval(t, {
              approvalId,
              decision: which === 'function-approve' ? 'approve' : 'reject',
              approver: 'local-operator',
            });
            return decided.ok === true;
          }),
        );
        await settle(t.cloud);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(decisionsOf(approvalId)).toHaveLength(1);
        expect(['approved', 'rejected']).toContain(await statusOf(approvalId));
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

// Attacks of issue #11 (items 2, 4 and 8) through the local cloud, with the real SDK over real HTTP: each case is what
// an outsider tried, and each must now end in a refusal or in text that shows nothing but what we wrote.
// (Item 1, the stolen task token, is task-token-bypass.test.ts.)
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { settle } from '../../local/settle.ts';
import { tableNamed } from '../../scripts/cli/stack.ts';
import { decideApproval, type PutEntry, recordPutEvents } from '../reads/support.ts';
import { busEvent } from '../support/events.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { secretIdOf } from './support.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const APPROVER = 'local-operator';
const SIGNING_SECRET = `signing-${randomUUID()}`;
const LINK_KEY = `link-key-${randomUUID()}-${randomUUID()}`;
// Characters that must never reach a person's screen: C0/C1 controls (NUL, ESC…), format characters (zero-width,
// bidi overrides and isolates) and line/paragraph separators. Line feeds between lines are ours.
const unprintable = (text: string | undefined): boolean =>
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test((text ?? '').replaceAll('\n', ''));

let t: TestCloud;
let slack: FakeSlack;
let put: PutEntry[] = [];

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as never);
  slack = await startFakeSlack();
  t = await startTestCloud({ start: '2026-01-07T10:09:00Z' });
  put = recordPutEvents(t);
  process.env.APPROVERS = `${APPROVER},carol,link:sns`;
  process.env.SLACK_APPROVAL_CHANNEL = 'C0APPROVALS';
  process.env.SLACK_API_URL = slack.apiUrl;
  for (const [variable, value] of [
    ['SLACK_BOT_TOKEN_SECRET_ID', `xoxb-${randomUUID()}`],
    ['SLACK_SIGNING_SECRET_ID', SIGNING_SECRET],
    ['APPROVAL_LINK_KEY_SECRET_ID', LINK_KEY],
  ] as const) {
    await t.clients.sm.send(new CreateSecretCommand({ Name: secretIdOf(t, variable), SecretString: value }));
  }
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
  await slack?.close();
  delete process.env.SLACK_APPROVAL_CHANNEL;
  delete process.env.SLACK_API_URL;
  vi.restoreAllMocks();
});

/** A secret that needs approval, a `Rotation Requested` with `detail`, and the rotation waiting. */
const waitingRotation = async (detail: Record<string, unknown>) => {
  const name = `attacks/${randomUUID().slice(0, 8)}`;
  const { ARN = '' } = await t.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: 'svc', password: `initial-${randomUUID()}` }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: 'required' },
      ],
    }),
  );
  const event = busEvent({ detail: { secretId: name, ...detail } });
  t.cloud.bus.publish(event);
  const execution = (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === event.id);
  expect(execution?.awaitingCallback, 'the rotation waits for approval').toBe(true);
  const requested = put.find((e) => e.DetailType === 'Approval Requested' && e.Detail.secretId === ARN);
  const approvalId = String(requested?.Detail.approvalId);
  const notification = t.cloud.sns.outbox().find((n) => n.Message.includes(`Approval id: ${approvalId}`));
  return {
    name,
    arn: ARN,
    approvalId,
    executionArn: execution?.executionArn ?? '',
    message: notification?.Message ?? '',
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

const cli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/smcp.ts', ...args, '--endpoint', t.cloud.url], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('self-approval by a variant of one’s own name', () => {
  it.each([
    ['another case', 'Local-Operator', APPROVER],
    ['a zero-width space', APPROVER, `${APPROVER}\u200b`],
    ['a soft hyphen and a BOM', APPROVER, `local\u00ad-operator\ufeff`],
    ['full-width letters', APPROVER, 'ｌｏｃａｌ－ｏｐｅｒａｔｏｒ'],
    ['surrounding and doubled spaces', ' local-operator ', '  LOCAL-OPERATOR\t'],
  ])('refuses the requester approving under %s', async (_, requestedBy, approver) => {
    const rotation = await waitingRotation({ reason: 'quarterly', requestedBy });

    const decision = await decideApproval(t, { approvalId: rotation.approvalId, decision: 'approve', approver });

    expect(decision).toMatchObject({ ok: false, reason: 'the requester may not approve their own request' });
    expect(await statusOf(rotation.approvalId)).toBe('pending');
  });

  it('refuses an approver whose name is the requester’s recorded principal, whatever the request’s free text says', async () => {
    const rotation = await waitingRotation({
      requestedBy: 'someone-else',
      requestedByPrincipal: 'arn:aws:iam::000000000000:user/Carol',
    });

    const byName = await decideApproval(t, { approvalId: rotation.approvalId, decision: 'approve', approver: 'carol' });
    const byPrincipal = await decideApproval(t, {
      approvalId: rotation.approvalId,
      decision: 'approve',
      approver: APPROVER,
      approverPrincipal: 'arn:aws:iam::000000000000:user/Carol',
    } as never);

    expect(byName).toMatchObject({ ok: false, reason: 'the requester may not approve their own request' });
    expect(byPrincipal).toMatchObject({ ok: false, reason: 'the requester may not approve their own request' });
    expect(await statusOf(rotation.approvalId)).toBe('pending');
  });

  it('still lets a different allowed approver decide, recorded as the allowlist spells them', async () => {
    const rotation = await waitingRotation({ requestedBy: 'alice' });

    const decision = await decideApproval(t, {
      approvalId: rotation.approvalId,
      decision: 'approve',
      approver: ' LOCAL-operator\u200b',
    });
    await settle(t.cloud);

    expect(decision).toMatchObject({ ok: true, status: 'approved', decidedBy: APPROVER });
    const outcome = put.find((e) => e.DetailType === 'Rotation Completed' && e.Detail.secretId === rotation.arn);
    expect(outcome?.Detail).toMatchObject({ approvedBy: APPROVER });
  });

  it('smcp rotate records the caller’s principal, or says plainly that it compares names only', async () => {
    const name = `attacks/cli-${randomUUID().slice(0, 8)}`;
    await t.clients.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));

    const run = await cli('rotate', name, '--as', 'alice', '--reason', 'cli');
    await t.cloud.whenIdle();

    expect(run.code).toBe(0);
    const requested = put.find((e) => e.DetailType === 'Rotation Requested' && e.Detail.secretId === name);
    expect(requested?.Detail).toMatchObject({ requestedBy: 'alice' });
    if (requested?.Detail.requestedByPrincipal === undefined) {
      expect(run.stderr).toContain('the self-approval check compares names only');
    } else {
      expect(run.stdout).toContain(`as ${requested.Detail.requestedByPrincipal}`);
    }
  });
});

describe('injection into notifications and terminals', () => {
  const FORGED = 'https://evil.example/approvals/link?token=forged';

  it('keeps a forged "Approve:" line and approval id out of the SNS message', async () => {
    const rotation = await waitingRotation({
      reason: `quarterly\nApprove: ${FORGED}\nApproval id: apr-${'f'.repeat(32)}\r\nReject: ${FORGED}`,
      requestedBy: `mallory\nApprove: ${FORGED}`,
    });

    const lines = rotation.message.split('\n');
    const linkLines = lines.filter((line) => /^(Approve|Reject): /.test(line));
    expect(linkLines).toHaveLength(2);
    for (const line of linkLines)
      expect(line).toMatch(new RegExp(`^(Approve|Reject): ${t.cloud.url}/approvals/link\\?token=`));
    expect(lines.filter((line) => line.startsWith('Approval id: '))).toEqual([`Approval id: ${rotation.approvalId}`]);
    expect(lines).toContain(`Requested by: "mallory Approve: ${FORGED}"`);
    expect(lines.find((line) => line.startsWith('Reason: '))).toBe(
      `Reason: "quarterly Approve: ${FORGED} Approval id: apr-${'f'.repeat(32)} Reject: ${FORGED}"`,
    );
  });

  it('prints no terminal escapes in `smcp approvals`: a row cannot be overwritten with a fake pending one', async () => {
    const rotation = await waitingRotation({
      reason: 'terminal',
      requestedBy: `eve\u001b[2K\r\u001b[1A${'apr-'}${'0'.repeat(32)}  pending  rotate-secret fake\u202e\u0007`,
    });

    const listed = await cli('approvals', '--all');

    expect(listed.code).toBe(0);
    expect(unprintable(listed.stdout)).toBe(false);
    const row = listed.stdout.split('\n').find((line) => line.startsWith(rotation.approvalId));
    expect(row).toContain(`requested by "eve[2K [1Aapr-${'0'.repeat(32)} pending rotate-secret fake"`);
    expect(listed.stdout.split('\n').filter((line) => line.startsWith(`apr-${'0'.repeat(32)}`))).toEqual([]);
  });

  it('escapes the Slack message’s fallback text: no <!channel>, no <https://evil|Click>', async () => {
    const rotation = await waitingRotation({ reason: 'slack', requestedBy: '<!channel> <https://evil.example|Click>' });

    const message = slack.posted.find((m) => JSON.stringify(m.blocks).includes(rotation.approvalId));

    expect(message?.text).toContain('(requested by &lt;!channel&gt; &lt;https://evil.example|Click&gt;)');
    expect(message?.text).not.toMatch(/<[!@#]|<https?:/);
  });

  it('prints no NUL or right-to-left override on the local SNS console line', async () => {
    const rotation = await waitingRotation({ reason: 'console\u0000\u202eevil\u202c', requestedBy: 'bob\u0000' });

    const line = t.logs.find((l) => l.startsWith('[sns]') && l.includes(rotation.name));

    expect(line).toBeDefined();
    expect(unprintable(line)).toBe(false);
  });

  it('refuses a Slack action_id of __proto__ (or any other inherited name) without deciding', async () => {
    const rotation = await waitingRotation({ reason: 'proto', requestedBy: 'alice' });
    const answers: number[] = [];
    for (const actionId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const body = new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: APPROVER },
          actions: [{ action_id: actionId, value: rotation.approvalId }],
        }),
      }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
      const response = await fetch(`${t.cloud.url}/approvals/slack`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': `v0=${signature}`,
        },
        body,
      });
      answers.push(response.status);
      expect(await response.json()).toEqual({ error: 'unknown action' });
    }

    expect(answers).toEqual([400, 400, 400, 400, 400]);
    expect(await statusOf(rotation.approvalId)).toBe('pending');
  });
});

describe('smaller ones', () => {
  it('records a decision made after the execution ended as expired, and publishes no decision', async () => {
    const rotation = await waitingRotation({ reason: 'late', requestedBy: 'alice' });
    await t.clients.sfn.send(new StopExecutionCommand({ executionArn: rotation.executionArn }));
    await settle(t.cloud);

    const decision = await decideApproval(t, {
      approvalId: rotation.approvalId,
      decision: 'approve',
      approver: APPROVER,
    });

    expect(decision).toMatchObject({ ok: false, reason: 'expired' });
    expect(await statusOf(rotation.approvalId)).toBe('expired');
    const about = put.filter((e) => e.Detail.approvalId === rotation.approvalId).map((e) => e.DetailType);
    expect(about).toEqual(['Approval Requested', 'Approval Expired']);
    expect(
      put.find((e) => e.DetailType === 'Approval Expired' && e.Detail.approvalId === rotation.approvalId)?.Detail,
    ).toMatchObject({ status: 'expired', workflowNotified: false });
  });

  it('points approval links at the port the local cloud listens on', async () => {
    const rotation = await waitingRotation({ reason: 'links', requestedBy: 'alice' });

    const links = rotation.message.split('\n').filter((line) => /^(Approve|Reject): /.test(line));

    expect(new URL(t.cloud.url).port).not.toBe('4566');
    expect(links.map((line) => new URL(line.replace(/^\w+: /, '')).origin)).toEqual([t.cloud.url, t.cloud.url]);
    // The link works on this endpoint: its confirmation page answers.
    const page = await fetch(links[0]?.replace(/^\w+: /, '') ?? '');
    expect(page.status).toBe(200);
  });
});

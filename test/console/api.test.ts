// The console's JSON API over HTTP, as its page calls it: never a secret value or a task token in any answer, the
// walls around it (CSP, its own host only, decisions from its own page only), and decisions that go through the
// `approve` function's policy (no self-approval, once).
import { request } from 'node:http';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../reads/support.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { requestRotation } from './support.ts';

const CANARIES = {
  username: 'canary-user-5c1e-DO-NOT-LEAK',
  password: 'canary-pass-9a2f-DO-NOT-LEAK',
  host: 'canary-host-77d0-DO-NOT-LEAK',
  dbname: 'canary-db-0b3c-DO-NOT-LEAK',
  next: 'canary-next-e41a-DO-NOT-LEAK',
  binary: 'canary-binary-3f8e-DO-NOT-LEAK',
};

let t: TestCloud;
/** The rotation of console/binary that the first test leaves waiting for an approval. */
let waitingArn: string | undefined;

const api = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${t.cloud.consoleUrl}api/${path}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const decide = (approvalId: string, decision: 'approve' | 'reject', headers: Record<string, string> = {}) =>
  api(`approvals/${encodeURIComponent(approvalId)}/${decision}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-smcp-console': '1', ...headers },
    body: '{}',
  });

const approvalFor = async (executionArn: string | undefined) => {
  const { approvals } = JSON.parse((await api('approvals')).text) as {
    approvals: { approvalId: string; executionArn: string; status: string }[];
  };
  const approval = approvals.find((a) => a.executionArn === executionArn);
  if (!approval) throw new Error(`no approval for ${executionArn}`);
  return approval;
};

/** A raw GET with a Host header of our choosing (fetch sets its own). */
const getWithHost = (path: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    const url = new URL(path, t.cloud.url);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-07T10:00:00Z', schedules: true });
}, 60_000);

afterAll(async () => t?.cloud.stop());

describe('the console API', () => {
  it('never answers with a secret value or a task token, whatever page asks', async () => {
    const { sm } = t.clients;
    const { username, password, host, dbname } = CANARIES;
    await sm.send(
      new CreateSecretCommand({
        Name: 'console/canary',
        SecretString: JSON.stringify({ username, password, host, dbname, port: 5432 }),
        Tags: [
          { Key: 'smcp:rotation', Value: 'orchestrated' },
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    await sm.send(
      new CreateSecretCommand({
        Name: 'console/binary',
        SecretBinary: new TextEncoder().encode(CANARIES.binary),
        Tags: [
          { Key: 'smcp:rotation', Value: 'orchestrated' },
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    await sm.send(
      new PutSecretValueCommand({
        SecretId: 'console/canary',
        SecretString: JSON.stringify({ password: CANARIES.next }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    for (let i = 0; i < 3; i++) await sm.send(new GetSecretValueCommand({ SecretId: 'console/canary' }));
    await t.clock.advance(2 * MINUTE);
    await t.cloud.whenIdle();
    const [waiting] = await requestRotation(t, 'console/binary');
    waitingArn = waiting?.executionArn;
    const [rotation] = await requestRotation(t, 'console/canary');
    const { Items = [] } = await t.clients.ddb.send(
      new ScanCommand({
        TableName: String(t.cloud.stack.tables.find((x) => x.logicalId === 'ApprovalsTable')?.properties.TableName),
      }),
    );
    const tokens = Items.map((item) => String(item.taskToken?.S));

    const secrets = JSON.parse((await api('secrets')).text) as { secrets: { name: string; arn: string }[] };
    const executions = JSON.parse((await api('executions')).text) as { executions: { executionArn: string }[] };
    const answers = [
      await api('session'),
      await api('secrets'),
      ...(await Promise.all(secrets.secrets.map((s) => api(`secrets/${encodeURIComponent(s.name)}`)))),
      await api('executions'),
      ...(await Promise.all(executions.executions.map((e) => api(`executions/${encodeURIComponent(e.executionArn)}`)))),
      await api('approvals'),
      await api('reads?days=7'),
      ...(await Promise.all(secrets.secrets.map((s) => api(`reads/${encodeURIComponent(s.arn)}`)))),
      await api('events'),
      await api('events?source=aws.secretsmanager'),
    ];

    expect(secrets.secrets.map((s) => s.name)).toEqual(['console/binary', 'console/canary']);
    expect(rotation?.awaitingCallback).toBe(true);
    expect(waiting?.awaitingCallback).toBe(true);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    for (const { text } of answers) {
      for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
      for (const token of tokens) expect(text).not.toContain(token);
      expect(text).not.toMatch(/secretstring|secretbinary|tasktoken/i);
    }
  });

  it('serves its page with a policy that allows only its own script and styles', async () => {
    const response = await fetch(t.cloud.consoleUrl);
    const csp = response.headers.get('content-security-policy') ?? '';

    expect(response.status).toBe(200);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // Only scripts it loads by name, no inline script or handler attribute.
    expect(await response.text()).not.toMatch(/<script(?![^>]*\ssrc=)|\son[a-z]+=/);
  });

  it('answers only for its own address, so a page on another name cannot read it', async () => {
    const own = new URL(t.cloud.url).host;

    expect(await getWithHost('/console/api/secrets', own)).toBe(200);
    expect(await getWithHost('/console/api/secrets', 'evil.example')).toBe(403);
    expect(await getWithHost('/console/', `evil.example:${new URL(t.cloud.url).port}`)).toBe(403);
  });

  it('decides through the approve function: no self-approval, a decision from elsewhere refused, once', async () => {
    const first = await approvalFor(waitingArn);

    const noHeader = await api(`approvals/${first.approvalId}/approve`, { method: 'POST', body: '{}' });
    const otherSite = await decide(first.approvalId, 'approve', { origin: 'http://evil.example' });
    const stillPending = await approvalFor(first.executionArn);
    const approved = JSON.parse((await decide(first.approvalId, 'approve')).text);
    const again = JSON.parse((await decide(first.approvalId, 'reject')).text);
    await t.cloud.whenIdle();
    const [mine] = await requestRotation(t, 'console/binary', { requestedBy: 'local-operator' });
    const self = JSON.parse((await decide((await approvalFor(mine?.executionArn)).approvalId, 'approve')).text);

    expect(noHeader.status).toBe(403);
    expect(otherSite.status).toBe(403);
    expect(stillPending.status).toBe('pending');
    expect(approved).toMatchObject({ ok: true, status: 'approved', decidedBy: 'local-operator' });
    expect(again).toMatchObject({ ok: false, reason: 'already decided' });
    expect(self).toMatchObject({ ok: false, reason: 'the requester may not approve their own request' });
  });
});

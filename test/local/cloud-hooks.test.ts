import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent, Via } from '../../local/eventbridge/bus.ts';
import { settle } from '../../local/settle.ts';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const DISPATCH = 'smcp-local-dispatch';

let dataDir: string;
let port: number;
let t: TestCloud;

const rotationRequested = (id: string, secretId: string): BusEvent => ({
  version: '0',
  id,
  'detail-type': 'Rotation Requested',
  source: 'smcp',
  account: '000000000000',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { secretId, requestedBy: 'alice' },
});

/**
 * Sends a raw HTTP request the moment `port` accepts connections (retrying a refused connect at once, no timer) and
 * resolves with the answer; `sent` runs as the request goes out.
 */
const requestAsSoonAsListening = (request: string, sent: () => void) =>
  new Promise<string>((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.once('connect', () => {
        sent();
        socket.write(request);
      });
      socket.on('data', (chunk) => {
        answer += chunk.toString('utf8');
      });
      socket.once('close', () => answer && resolve(answer));
      socket.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNREFUSED' ? setImmediate(attempt) : reject(error),
      );
    };
    attempt();
  });

const invokeApi = (name: string, payload: unknown) =>
  fetch(`${t.cloud.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(payload) });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-hooks-'));
  port = await freePort();
  t = await startTestCloud({ port, dataDir });
}, 60_000);

afterAll(async () => {
  await t.cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local cloud event tap', () => {
  it('sees every event put on the bus and says how it got there', async () => {
    const heard: [string, Via][] = [];
    const untap = t.cloud.bus.tap((event, via) => heard.push([event['detail-type'], via]));

    await t.clients.events.send(
      new PutEventsCommand({ Entries: [{ Source: 'smcp', DetailType: 'Tapped Put', Detail: '{"n":1}' }] }),
    );
    t.cloud.bus.publish({ ...rotationRequested(crypto.randomUUID(), 'nothing/here'), 'detail-type': 'Tapped Publish' });
    t.cloud.bus.fireSchedule('smcp-local-cleanup-scan');
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'tap/seen', SecretString: 'v' }));
    await t.cloud.whenIdle();
    untap();
    const heardBefore = heard.length;
    t.cloud.bus.publish({ ...rotationRequested(crypto.randomUUID(), 'nothing/here'), 'detail-type': 'Not Heard' });

    expect(heard).toEqual(
      expect.arrayContaining([
        ['Tapped Put', 'PutEvents'],
        ['Tapped Publish', 'publish'],
        ['Scheduled Event', 'schedule'],
        ['AWS API Call via CloudTrail', 'publish'],
      ]),
    );
    expect(heard).toHaveLength(heardBefore);
    expect(heard.map(([type]) => type)).not.toContain('Not Heard');
  });
});

describe('local cloud invocation hook', () => {
  it('wraps every invocation, whoever makes it, until it is removed', async () => {
    const seen: string[] = [];
    const unhook = t.cloud.lambda.hook(async (name, event, next) => {
      seen.push(name);
      const result = (await next(event)) as Record<string, unknown>;
      return { ...result, hooked: true };
    });

    const viaApi = await (await invokeApi(DISPATCH, { rule: 'nope', event: {} })).json();
    const viaRuntime = await t.cloud.lambda.invoke(`arn:aws:lambda:us-east-1:000000000000:function:${DISPATCH}`, {
      rule: 'nope',
      event: {},
    });
    unhook();
    const after = await t.cloud.lambda.invoke(DISPATCH, { rule: 'nope', event: {} });

    expect(seen).toEqual([DISPATCH, DISPATCH]);
    expect(viaApi).toMatchObject({ status: 'rejected', hooked: true });
    expect(viaRuntime).toMatchObject({ status: 'rejected', hooked: true });
    expect(after).not.toHaveProperty('hooked');
  });

  it('fails an invocation with the error a hook throws, as the handler would have', async () => {
    const unhook = t.cloud.lambda.hook(async (name, event, next) => {
      if (name === DISPATCH) throw Object.assign(new Error('the target refused'), { name: 'TargetRefusedError' });
      return next(event);
    });

    const response = await invokeApi(DISPATCH, { rule: 'nope', event: {} });
    unhook();

    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({
      errorType: 'TargetRefusedError',
      errorMessage: 'the target refused',
    });
  });
});

describe('local cloud start-up', () => {
  it('resumes an execution that was waiting for an approval: nothing says it stopped, and the approval completes it', async () => {
    await t.clients.sm.send(
      new CreateSecretCommand({
        Name: 'startup/waits',
        SecretString: JSON.stringify({ password: 'initial' }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    const id = crypto.randomUUID();
    t.cloud.bus.publish(rotationRequested(id, 'startup/waits'));
    const [waiting] = (await settle(t.cloud)).filter((e) => e.name === id);
    expect(waiting).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    const requested = t.cloud.bus.recentEvents().find((e) => e['detail-type'] === 'Approval Requested');
    const approvalId = String((requested?.detail as { approvalId?: unknown } | undefined)?.approvalId);

    await t.cloud.stop();
    t = await startTestCloud({ port, dataDir, start: t.clock.now().toISOString() });
    const [resumed] = (await settle(t.cloud)).filter((e) => e.name === id);
    const changes = t.cloud.bus
      .recentEvents()
      .filter((e) => e['detail-type'] === 'Step Functions Execution Status Change');
    const decision = await invokeApi(functionNamed(t.cloud.stack, 'approve'), {
      approvalId,
      decision: 'approve',
      approver: 'local-operator',
    });
    const [done] = (await settle(t.cloud)).filter((e) => e.name === id);

    expect(resumed).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    expect(changes).toEqual([]);
    expect(await decision.json()).toMatchObject({ ok: true, status: 'approved', workflowNotified: true });
    expect(done).toMatchObject({ status: 'SUCCEEDED' });
  }, 60_000);

  it('answers a Secrets Manager call made while it starts once it is ready, and records it on the bus', async () => {
    await t.cloud.stop();
    const body = JSON.stringify({ Name: 'startup/early', SecretString: 'v' });
    const request = [
      'POST / HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/x-amz-json-1.1',
      'X-Amz-Target: secretsmanager.CreateSecret',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n');
    let ready = false;
    let sentWhileStarting = false;

    const answer = requestAsSoonAsListening(request, () => {
      sentWhileStarting = !ready;
    });
    t = await startTestCloud({ port, dataDir, start: t.clock.now().toISOString() });
    ready = true;
    const response = await answer;

    expect(sentWhileStarting).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    const recorded = t.cloud.bus
      .recentEvents()
      .map((e) => e.detail as { eventName?: string; requestParameters?: { name?: string } })
      .filter((d) => d.eventName === 'CreateSecret' && d.requestParameters?.name === 'startup/early');
    expect(recorded).toHaveLength(1);
  }, 60_000);
});

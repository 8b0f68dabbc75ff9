// webhook against a real node:http endpoint on loopback that verifies the signature the way an owner would, with the
// local Secrets Manager emulator over HTTP and the real SDK. The endpoint's clock and the strategy's are one fixed
// instant, so signatures are checked without waiting.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CredentialsRejectedError,
  StrategyConfigError,
  TargetUnreachableError,
} from '../../functions/rotation/errors.ts';
import { createSecretStore } from '../../functions/rotation/strategies/secrets-adapter.ts';
import type { RotationContext } from '../../functions/rotation/strategies/types.ts';
import { webhook } from '../../functions/rotation/strategies/webhook.ts';
import { SignatureHeader, sign, verifySignature } from '../../functions/rotation/strategies/webhook-signature.ts';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { freePort } from '../support/postgres.ts';
import { createStrategyKit } from '../support/strategy-kit.ts';

const CANARY = `canary-${crypto.randomUUID()}`;
const SIGNING_KEY = `signing-${crypto.randomUUID()}`;
const NOW = new Date('2025-03-19T10:00:00.000Z');

interface Received {
  readonly action: string;
  readonly versionId: string;
  readonly password: string;
  readonly fields: string[];
  readonly idempotencyKey: string | undefined;
}

/** The owner's system: holds one active password per secret, checks every signature. */
const owner = {
  active: new Map<string, string>(),
  received: [] as Received[],
  rejectedSignatures: 0,
  // Answer every call with this status instead (an outage), when set.
  failWith: undefined as number | undefined,
};

let server: Server;
let endpoint: string;
let harness: Harness;
let consoleOutput: string[];

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const handle = async (req: IncomingMessage, res: ServerResponse) => {
  const body = await readBody(req);
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (owner.failWith) return res.writeHead(owner.failWith).end(`failing; you sent ${body}`);
  const signed = verifySignature({
    signingKey: SIGNING_KEY,
    body,
    signature: header(SignatureHeader.signature),
    timestamp: header(SignatureHeader.timestamp),
    now: NOW,
  });
  if (!signed) {
    owner.rejectedSignatures += 1;
    // The body is echoed on purpose: the strategy must not repeat what an endpoint answers.
    return res.writeHead(401).end(`bad signature for ${body}`);
  }
  const call = JSON.parse(body) as { action: string; secretId: string; versionId: string; value: { password: string } };
  owner.received.push({
    action: call.action,
    versionId: call.versionId,
    password: call.value.password,
    fields: Object.keys(call.value).sort(),
    idempotencyKey: header('idempotency-key'),
  });
  if (call.action === 'set') {
    owner.active.set(call.secretId, call.value.password);
    return res.writeHead(204).end();
  }
  return res.writeHead(owner.active.get(call.secretId) === call.value.password ? 200 : 409).end(body);
};

const sm = () => harness.client();
const { secretValues, reset, expectNoValues, caught, stagesOf, promote } = createStrategyKit(sm);

const passwordAt = async (secretId: string, stage: string) => {
  const out = await sm().send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  const password = (JSON.parse(out.SecretString ?? '{}') as { password: string }).password;
  secretValues.push(password);
  return password;
};

const contextFor = (secretId: string): RotationContext => ({
  secrets: createSecretStore({ client: sm() }),
  secretId,
  token: crypto.randomUUID(),
  passwordPolicy: { length: 32 },
  webhook: { now: () => NOW, timeoutMs: 5_000 },
});

let secretCount = 0;
/** A secret the owner's system already holds (its current password is active there). */
const createWebhookSecret = async (extra: Record<string, unknown> = {}) => {
  secretCount += 1;
  const name = `hook/${secretCount}`;
  const value = {
    webhookUrl: endpoint,
    signingSecretArn: 'hook/signing-key',
    password: CANARY,
    note: CANARY,
    ...extra,
  };
  await sm().send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  owner.active.set(name, CANARY);
  return name;
};

beforeAll(async () => {
  harness = await startSecretsManager();
  await sm().send(
    new CreateSecretCommand({ Name: 'hook/signing-key', SecretString: JSON.stringify({ signingKey: SIGNING_KEY }) }),
  );
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await harness.close();
});

beforeEach(() => {
  reset([CANARY, SIGNING_KEY]);
  owner.received = [];
  owner.rejectedSignatures = 0;
  owner.failWith = undefined;
  consoleOutput = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 20 })).join(' '));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  expectNoValues(consoleOutput.join('\n'));
});

describe('webhook', () => {
  it('delivers the new value, signed, and tests it through promotion', async () => {
    const id = await createWebhookSecret();
    const ctx = contextFor(id);

    await webhook.createPending(ctx);
    await webhook.setSecret(ctx);
    const pendingVerdict = await webhook.testSecret(ctx, 'AWSPENDING');
    await promote(id, ctx.token);
    const currentVerdict = await webhook.testSecret(ctx, 'AWSCURRENT');

    const current = await passwordAt(id, 'AWSCURRENT');
    expect(pendingVerdict).toEqual({ ok: true });
    expect(currentVerdict).toEqual({ ok: true });
    expect(owner.active.get(id)).toBe(current);
    expect(owner.received.filter((r) => r.action === 'set')).toEqual([
      {
        action: 'set',
        versionId: ctx.token,
        password: current,
        fields: ['note', 'password'],
        idempotencyKey: `${ctx.token}:set`,
      },
    ]);
    expect(owner.rejectedSignatures).toBe(0);
  });

  it('sends one set when setSecret runs twice', async () => {
    const id = await createWebhookSecret();
    const ctx = contextFor(id);

    await webhook.createPending(ctx);
    await webhook.createPending(ctx);
    await webhook.setSecret(ctx);
    await webhook.setSecret(ctx);

    expect(owner.received.map((r) => r.action)).toEqual(['test', 'set', 'test']);
    expect(Object.keys(await stagesOf(id))).toHaveLength(2);
  });

  it('reports a value the endpoint does not hold as a failed test', async () => {
    const id = await createWebhookSecret();
    const ctx = contextFor(id);
    await webhook.createPending(ctx);
    await passwordAt(id, 'AWSPENDING');

    const verdict = await webhook.testSecret(ctx, 'AWSPENDING');

    expect(verdict).toEqual({ ok: false, reason: 'the webhook refused AWSPENDING (HTTP 409)' });
  });

  it('is refused by an endpoint that checks the signature when the key is wrong', async () => {
    await sm().send(
      new CreateSecretCommand({ Name: 'hook/wrong-key', SecretString: JSON.stringify({ signingKey: CANARY }) }),
    );
    const id = await createWebhookSecret({ signingSecretArn: 'hook/wrong-key' });
    const ctx = contextFor(id);
    await webhook.createPending(ctx);
    await passwordAt(id, 'AWSPENDING');

    const error = await caught(() => webhook.setSecret(ctx));

    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error.message).toBe(`The webhook refused version ${ctx.token} of ${id} (HTTP 401)`);
    expect(owner.rejectedSignatures).toBe(2);
    expect(owner.active.get(id)).toBe(CANARY);
  });

  it('verifySignature refuses a tampered body, a stale timestamp and a missing header', () => {
    const body = JSON.stringify({ action: 'set' });
    const timestamp = Math.floor(NOW.getTime() / 1000);
    const signature = sign(SIGNING_KEY, timestamp, body);
    const check = (overrides: Partial<Parameters<typeof verifySignature>[0]>) =>
      verifySignature({
        signingKey: SIGNING_KEY,
        body,
        signature,
        timestamp: String(timestamp),
        now: NOW,
        ...overrides,
      });

    expect(check({})).toBe(true);
    expect(check({ body: `${body} ` })).toBe(false);
    expect(check({ now: new Date(NOW.getTime() + 301_000) })).toBe(false);
    expect(check({ signature: undefined })).toBe(false);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('throws TargetUnreachableError on 503 and when nothing listens', async () => {
    const id = await createWebhookSecret();
    const ctx = contextFor(id);
    await webhook.createPending(ctx);
    await passwordAt(id, 'AWSPENDING');
    owner.failWith = 503;

    const outage = await caught(() => webhook.setSecret(ctx));
    owner.failWith = undefined;
    const closedPort = await freePort();
    const downId = await createWebhookSecret({ webhookUrl: `http://127.0.0.1:${closedPort}/rotate` });
    const downCtx = contextFor(downId);
    await webhook.createPending(downCtx);
    const down = await caught(() => webhook.setSecret(downCtx));

    expect(outage).toBeInstanceOf(TargetUnreachableError);
    expect(outage.message).toMatch(/answered HTTP 503 \(test\)$/);
    expect(down).toBeInstanceOf(TargetUnreachableError);
    // The URL is a field of the secret: the message names the secret and version instead.
    expect(down.message).toMatch(
      new RegExp(`^The webhook of Secret ${downId} version [0-9a-f-]{36} is unreachable \\(test: TypeError\\)$`),
    );
    expect(down.message).not.toContain(String(closedPort));
  });

  it('refuses plain http to anything but loopback', async () => {
    const id = await createWebhookSecret({ webhookUrl: 'http://hooks.example.com/rotate' });

    const error = await caught(() => webhook.createPending(contextFor(id)));

    expect(error).toBeInstanceOf(StrategyConfigError);
    expect(error.message).toBe(
      `Secret ${id} (AWSCURRENT): field "webhookUrl" must be an https URL without credentials`,
    );
  });

  it('revertTarget and rollbackTarget put the value from before the rotation back', async () => {
    const id = await createWebhookSecret();
    const reverted = contextFor(id);
    await webhook.createPending(reverted);
    await webhook.setSecret(reverted);
    await passwordAt(id, 'AWSPENDING');

    await webhook.revertTarget(reverted);
    await webhook.revertTarget(reverted);
    const afterRevert = owner.active.get(id);
    const rolledBack = contextFor(id);
    await webhook.createPending(rolledBack);
    await webhook.setSecret(rolledBack);
    await promote(id, rolledBack.token);
    await passwordAt(id, 'AWSCURRENT');
    await webhook.rollbackTarget(rolledBack);

    expect(afterRevert).toBe(CANARY);
    expect(owner.active.get(id)).toBe(CANARY);
    expect(await webhook.testSecret(rolledBack, 'AWSPREVIOUS')).toEqual({ ok: true });
    expect(owner.received.filter((r) => r.action === 'set').map((r) => r.password === CANARY)).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });
});

// The signed-link endpoint and its secret reader without the cloud: pages escape what requesters wrote, a GET never
// decides, the key is read once per container and a failed read is retried.

import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { signLinkToken } from '../../functions/approvals/domain/link-token.ts';
import type { ApprovalRecord } from '../../functions/approvals/domain/record.ts';
import { createLinkEndpoint, linkApprover } from '../../functions/approvals/steps/link-endpoint.ts';
import { createSecretValue } from '../../functions/shared/adapters/secret-value.ts';

const KEY = 'k'.repeat(32);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const RECORD: ApprovalRecord = {
  approvalId: 'apr-1',
  taskToken: 'TASK-TOKEN-CANARY',
  secretId: 'prod/<script>alert(1)</script>',
  action: 'rotate-secret',
  requestedBy: 'alice',
  reason: '"><img src=x onerror=alert(1)>',
  expiresAt: '2026-03-02T12:00:00.000Z',
  status: 'pending',
  channel: 'sns',
};
const token = signLinkToken(
  { approvalId: 'apr-1', decision: 'approve', expiresAt: '2026-03-01T13:00:00.000Z', nonce: 'n-1' },
  KEY,
);

const endpointWith = (record: ApprovalRecord | undefined) => {
  const decide = vi.fn();
  const endpoint = createLinkEndpoint({
    linkKey: async () => KEY,
    store: { get: async () => record },
    decide,
    logger,
    now: () => NOW,
  });
  return { endpoint, decide };
};

const get = (query: Record<string, string>) => ({
  headers: {},
  isBase64Encoded: false,
  queryStringParameters: query,
  requestContext: { http: { method: 'GET' } },
});

describe('signed-link endpoint', () => {
  it('answers a GET with an escaped confirmation page and decides nothing', async () => {
    const { endpoint, decide } = endpointWith(RECORD);

    const page = await endpoint(get({ token }));

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('TASK-TOKEN-CANARY');
    expect(page.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    expect(decide).not.toHaveBeenCalled();
  });

  it('fails closed without a link key', async () => {
    const decide = vi.fn();
    const endpoint = createLinkEndpoint({
      linkKey: async () => undefined,
      store: { get: async () => RECORD },
      decide,
      logger,
      now: () => NOW,
    });

    const page = await endpoint({ ...get({ token }), requestContext: { http: { method: 'POST' } } });

    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('link key is not configured');
    expect(decide).not.toHaveBeenCalled();
  });

  it('decides as the approver claim, else as link:<channel>', () => {
    const claims = { approvalId: 'a', decision: 'approve' as const, expiresAt: '', nonce: 'n' };

    expect(linkApprover({ ...claims, approver: 'bob@example.com' }, RECORD)).toBe('bob@example.com');
    expect(linkApprover(claims, RECORD)).toBe('link:sns');
    expect(linkApprover(claims, undefined)).toBe('link:sns');
  });
});

describe('secret value reader', () => {
  it('reads once per container, treats a missing secret as not configured, and retries a failed read', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: 'value' });
    let clock = 0;
    const read = createSecretValue({
      client: new SecretsManagerClient({}),
      secretId: 's',
      maxAgeMs: 1000,
      now: () => clock,
    });

    await expect(read()).rejects.toThrow('Rate exceeded');
    const first = await read();
    const cached = await read();
    clock = 1000;
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    const missing = await read();

    expect([first, cached, missing]).toEqual(['value', 'value', undefined]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
    sm.restore();
  });
});

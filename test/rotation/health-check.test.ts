// The optional health URL (`smcp:health-url`): its shape rules, and a rotation through the local cloud whose
// application answers a real loopback HTTP server: 200 → the rotation completes; 503 after promotion → rolled back
// to AWSPREVIOUS. What is reported names the URL's origin and path, never its query.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHealthUrl } from '../../functions/rotation/domain/health-url.ts';
import { settle } from '../../local/settle.ts';
import { busEvent } from '../support/events.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

describe('smcp:health-url', () => {
  it('takes https, and plain http to the loopback host only', () => {
    expect(parseHealthUrl('https://app.example.com/health?key=k1#top')).toEqual({
      ok: true,
      url: 'https://app.example.com/health?key=k1',
      shown: 'https://app.example.com/health',
    });
    expect(parseHealthUrl('http://127.0.0.1:8080/health')).toMatchObject({ ok: true });
    expect(parseHealthUrl('http://localhost/health')).toMatchObject({ ok: true });
  });

  it('refuses other schemes, plain http elsewhere, credentials in the URL and non-URLs, without echoing a query', () => {
    expect(parseHealthUrl('http://169.254.169.254/latest/meta-data?x=1')).toEqual({
      ok: false,
      reason: 'smcp:health-url must be https (plain http only to localhost): http://169.254.169.254/latest/meta-data',
    });
    expect(parseHealthUrl('file:///etc/passwd')).toMatchObject({ ok: false });
    expect(parseHealthUrl('https://user:hunter2@app.example.com/health')).toEqual({
      ok: false,
      reason: 'smcp:health-url must not carry a user name or password: https://app.example.com',
    });
    expect(parseHealthUrl('not a url')).toEqual({ ok: false, reason: 'smcp:health-url is not a URL' });
  });
});

describe('a rotation with a health URL, through the local cloud', () => {
  let t: TestCloud;
  let app: Server;
  // The statuses the application answers next, in order; then 200. A broken rotation is one 503 (the new
  // credentials), after which the rolled-back application is healthy again.
  let answers: number[] = [];
  const hits: string[] = [];

  beforeAll(async () => {
    app = createServer((req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      const status = answers.shift() ?? 200;
      res.writeHead(status).end(status === 200 ? 'ok' : 'down');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    t = await startTestCloud();
  }, 120_000);
  afterAll(async () => {
    await t?.cloud.stop();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
  });

  const rotate = async (name: string) => {
    const port = (app.address() as AddressInfo).port;
    await t.clients.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ username: 'svc', password: `initial-${randomUUID()}` }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'none' },
          { Key: 'smcp:health-url', Value: `http://127.0.0.1:${port}/health?key=query-secret` },
        ],
      }),
    );
    const before = (await t.clients.sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages;
    const event = busEvent({ detail: { secretId: name, reason: 'health check test', requestedBy: 'alice' } });
    const eventId = event.id;
    t.cloud.bus?.publish(event);
    const execution = (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === eventId);
    const after = (await t.clients.sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages;
    return { execution, before: before ?? {}, after: after ?? {} };
  };

  const currentOf = (versions: Record<string, string[]>) =>
    Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];

  it('completes when the application answers 200 after promotion, without sending credentials', async () => {
    answers = [];
    hits.length = 0;

    const { execution, before, after } = await rotate('health/ok');

    expect(execution?.status).toBe('SUCCEEDED');
    expect(JSON.stringify(execution?.history)).toContain('Rotation Completed');
    expect(currentOf(after)).not.toBe(currentOf(before));
    expect(hits).toEqual(['GET /health?key=query-secret ']);
  });

  it('rolls back to AWSPREVIOUS when the application answers 503 after promotion, and checks it again after', async () => {
    answers = [503];
    hits.length = 0;

    const { execution, before, after } = await rotate('health/down');
    const history = JSON.stringify(execution?.history);

    expect(history).toContain('Rotation Rolled Back');
    expect(history).toContain('health check http://127.0.0.1:');
    expect(history).toContain('/health answered HTTP 503');
    expect(history).not.toContain('query-secret');
    expect(currentOf(after)).toBe(currentOf(before));
    expect(hits, 'once for the new credentials, once to verify the roll back').toHaveLength(2);
  });

  it('ends Rotation Rollback Failed, for a human, when the application stays down with the old credentials too', async () => {
    answers = [503, 503];

    const { execution } = await rotate('health/still-down');

    expect(execution?.status).toBe('FAILED');
    expect(JSON.stringify(execution?.history)).toContain('Rotation Rollback Failed');
  });
});

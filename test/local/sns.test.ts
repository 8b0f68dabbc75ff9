import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSns, type SnsEmulator, type SnsNotification } from '../../local/sns/index.ts';

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const readBody = async (req: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** What the local cloud's endpoint does for form-encoded requests: parse the form, hand it to handleQuery. */
const serveQuery = (sns: SnsEmulator) =>
  createServer(async (req, res) => {
    const params = new URLSearchParams(await readBody(req));
    const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'us-east-1';
    const { status, body } = sns.handleQuery(params, { region, account: '000000000000', requestId: 'req-1' });
    res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });

let dataDir: string;
let servers: Server[];
let lines: string[];
let sns: SnsEmulator;
let client: SNSClient;

const start = async (extra: { slackWebhookUrl?: string } = {}) => {
  sns = createSns({ now: () => new Date('2025-03-19T10:00:00.000Z'), dataDir, log: (l) => lines.push(l), ...extra });
  const server = serveQuery(sns);
  servers.push(server);
  client = new SNSClient({
    endpoint: await listen(server),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
};

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-sns-'));
  servers = [];
  lines = [];
});
afterEach(async () => {
  client?.destroy();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sns topics', () => {
  it('creates topics idempotently and lists them for the region', async () => {
    await start();

    const first = await client.send(new CreateTopicCommand({ Name: 'alerts' }));
    const again = await client.send(new CreateTopicCommand({ Name: 'alerts' }));
    await client.send(new CreateTopicCommand({ Name: 'approvals' }));
    const listed = await client.send(new ListTopicsCommand({}));

    expect(first.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:alerts');
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(listed.Topics?.map((t) => t.TopicArn)).toEqual([
      'arn:aws:sns:us-east-1:000000000000:alerts',
      'arn:aws:sns:us-east-1:000000000000:approvals',
    ]);
  });

  it('reports topic attributes, counting recorded subscriptions', async () => {
    await start();
    const arn = sns.createTopic('alerts');
    await client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'https', Endpoint: 'https://hooks.example/x' }));
    sns.subscribe(arn, () => {});

    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }));

    expect(Attributes).toMatchObject({
      TopicArn: arn,
      Owner: '000000000000',
      SubscriptionsConfirmed: '1',
      SubscriptionsPending: '1',
    });
  });

  it('records http and https subscriptions as pending confirmation', async () => {
    await start();
    const arn = sns.createTopic('alerts');

    const pending = await client.send(
      new SubscribeCommand({ TopicArn: arn, Protocol: 'https', Endpoint: 'https://hooks.example/x' }),
    );
    const withArn = await client.send(
      new SubscribeCommand({
        TopicArn: arn,
        Protocol: 'http',
        Endpoint: 'http://hooks.example/y',
        ReturnSubscriptionArn: true,
      }),
    );
    const listed = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));

    expect(pending.SubscriptionArn).toBe('pending confirmation');
    expect(withArn.SubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:alerts:/);
    expect(listed.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([
      ['https', 'https://hooks.example/x'],
      ['http', 'http://hooks.example/y'],
    ]);
  });

  it('answers NotFound for an unknown topic and InvalidParameter for a bad request, as SNS XML errors', async () => {
    await start();
    const arn = sns.createTopic('alerts');

    await expect(client.send(new PublishCommand({ TopicArn: `${arn}-missing`, Message: 'x' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(client.send(new PublishCommand({ TopicArn: arn, Message: '' }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    await expect(
      client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'carrier-pigeon', Endpoint: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('carrier-pigeon') });
  });
});

describe('sns publish', () => {
  it('delivers to local subscribers, the console and the outbox file', async () => {
    await start();
    const arn = sns.createTopic('alerts');
    const received: SnsNotification[] = [];
    sns.subscribe(arn, (n) => {
      received.push(n);
    });

    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: arn,
        Subject: 'Rotation Rolled Back',
        Message: '{"secretId":"prod/db/main"}',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    await sns.whenIdle();

    const expected = {
      Type: 'Notification',
      MessageId,
      TopicArn: arn,
      Subject: 'Rotation Rolled Back',
      Message: '{"secretId":"prod/db/main"}',
      Timestamp: '2025-03-19T10:00:00.000Z',
      MessageAttributes: { severity: { Type: 'String', Value: 'high' } },
    };
    expect(received).toEqual([expected]);
    expect(sns.outbox()).toEqual([expected]);
    expect(
      readFileSync(join(dataDir, 'sns-outbox.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([expected]);
    expect(lines).toEqual(['[sns] alerts: Rotation Rolled Back — {"secretId":"prod/db/main"}']);
  });

  it('delivers the default entry of a MessageStructure=json message', async () => {
    await start();
    const arn = sns.createTopic('alerts');

    await client.send(
      new PublishCommand({
        TopicArn: arn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'plain', email: 'for email' }),
      }),
    );

    expect(sns.outbox().map((n) => n.Message)).toEqual(['plain']);
  });

  it('posts each message to the Slack incoming webhook when configured', async () => {
    const posts: { contentType: string | undefined; body: unknown }[] = [];
    const slack = createServer(async (req, res) => {
      posts.push({ contentType: req.headers['content-type'], body: JSON.parse(await readBody(req)) });
      res.end('ok');
    });
    servers.push(slack);
    await start({ slackWebhookUrl: `${await listen(slack)}/services/T000/B000/XXXX` });
    const arn = sns.createTopic('approvals');

    await client.send(new PublishCommand({ TopicArn: arn, Subject: 'Approval Requested', Message: 'rotate prod/db' }));
    await sns.whenIdle();

    expect(posts).toEqual([
      { contentType: 'application/json', body: { text: 'Approval Requested\nrotate prod/db', mrkdwn: false } },
    ]);
  });

  it('forwards to the webhook without Slack formatting, mentions, links or approval link tokens', async () => {
    const posts: { text: string; mrkdwn?: boolean; blocks?: unknown }[] = [];
    const slack = createServer(async (req, res) => {
      posts.push(JSON.parse(await readBody(req)));
      res.end('ok');
    });
    servers.push(slack);
    await start({ slackWebhookUrl: await listen(slack) });
    const arn = sns.createTopic('approvals');
    const token = 'eyJhcHByb3ZhbElkIjoiYXByLTEifQ.c2lnbmF0dXJlLW9mLXRoZS1saW5r';

    await client.send(
      new PublishCommand({
        TopicArn: arn,
        Subject: '<!channel> approval',
        Message: [
          'Requested by: "<!here> *bold* <https://evil.example|Click>"',
          `Approve: http://127.0.0.1:4566/approvals/link?token=${token}`,
          `Reject: http://127.0.0.1:4566/approvals/link?x=1&token=${token}#frag`,
        ].join('\n'),
      }),
    );
    await client.send(
      new PublishCommand({
        TopicArn: arn,
        Message: JSON.stringify({ blocks: [{ type: 'section' }], text: '<!channel>' }),
      }),
    );
    await sns.whenIdle();

    expect(JSON.stringify(posts)).not.toContain(token);
    expect(JSON.stringify(posts)).not.toMatch(/<[!@#]|<https?:/);
    expect(posts[0]).toEqual({
      text: [
        '&lt;!channel&gt; approval',
        'Requested by: "&lt;!here&gt; *bold* &lt;https://evil.example|Click&gt;"',
        'Approve: http://127.0.0.1:4566/approvals/link?token=[removed]',
        'Reject: http://127.0.0.1:4566/approvals/link?x=1&amp;token=[removed]#frag',
      ].join('\n'),
      mrkdwn: false,
    });
    // Block Kit JSON is shown as text, never posted as live blocks.
    expect(posts[1]?.blocks).toBeUndefined();
    expect(posts[1]?.mrkdwn).toBe(false);
  });

  it('prints one console line per message without NUL, escapes or bidi overrides', async () => {
    await start();
    const arn = sns.createTopic('alerts');

    await client.send(
      new PublishCommand({ TopicArn: arn, Subject: 'Alert', Message: 'a\u0000b\u202Eevil\u202C\n\u001b[2Kline two' }),
    );

    expect(lines.at(-1)).toBe('[sns] alerts: Alert — abevil [2Kline two');
  });

  it('logs a failing webhook without failing the publish', async () => {
    const slack = createServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    servers.push(slack);
    await start({ slackWebhookUrl: await listen(slack) });
    const arn = sns.createTopic('alerts');

    const published = await client.send(new PublishCommand({ TopicArn: arn, Message: 'x' }));
    await sns.whenIdle();

    expect(published.MessageId).toBeDefined();
    expect(lines.at(-1)).toBe(`[sns] Slack webhook answered 500 for message ${published.MessageId}`);
  });

  it('keeps the outbox across a restart with the same data directory', async () => {
    await start();
    await client.send(new PublishCommand({ TopicArn: sns.createTopic('alerts'), Message: 'before restart' }));

    const restarted = createSns({ now: () => new Date(), dataDir, log: () => {} });

    expect(restarted.outbox().map((n) => n.Message)).toEqual(['before restart']);
  });
});

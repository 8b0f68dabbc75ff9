// A stand-in for Slack's Web API on loopback: records each chat.postMessage @slack/web-api sends (form-encoded, with
// the bot token as a Bearer header) and answers as Slack does, or fails the way a test asks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface PostedMessage {
  readonly authorization: string | undefined;
  readonly channel: string;
  readonly text: string;
  readonly blocks: { type: string; [key: string]: unknown }[];
  readonly fields: Record<string, string>;
}

interface FakeSlack {
  /** Slack's Web API base URL for this stand-in (ends with `/api/`). */
  readonly apiUrl: string;
  readonly posted: PostedMessage[];
  /** Answer the next calls with this Slack error (`{ ok: false, error }`) or HTTP status, until set back. */
  fail: { error?: string; status?: number } | undefined;
  /** Every request body received, for leak checks. */
  readonly raw: string[];
  close(): Promise<void>;
}

const startFakeSlack = async (): Promise<FakeSlack> => {
  const posted: PostedMessage[] = [];
  const raw: string[] = [];
  const fake: Omit<FakeSlack, 'apiUrl' | 'close'> = { posted, raw, fail: undefined };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    raw.push(body);
    if (fake.fail?.status) {
      res.writeHead(fake.fail.status, { 'content-type': 'text/plain' }).end(`upstream trouble; you sent ${body}`);
      return;
    }
    if (fake.fail?.error) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error: fake.fail.error }));
      return;
    }
    if (req.url !== '/api/chat.postMessage') {
      res.writeHead(404).end();
      return;
    }
    const fields = Object.fromEntries(new URLSearchParams(body));
    posted.push({
      authorization: req.headers.authorization,
      channel: fields.channel ?? '',
      text: fields.text ?? '',
      blocks: JSON.parse(fields.blocks ?? '[]') as PostedMessage['blocks'],
      fields,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        ok: true,
        channel: fields.channel,
        ts: `1700000000.${String(posted.length).padStart(6, '0')}`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
};

/** The approval id on a posted message's Approve button (what Slack sends back when someone clicks it). */
const buttonValue = (message: PostedMessage, actionId: 'approve' | 'reject'): string | undefined => {
  const actions = message.blocks.find((block) => block.type === 'actions') as
    | { elements: { action_id: string; value: string }[] }
    | undefined;
  return actions?.elements.find((element) => element.action_id === actionId)?.value;
};

export type { FakeSlack, PostedMessage };
export { buttonValue, startFakeSlack };

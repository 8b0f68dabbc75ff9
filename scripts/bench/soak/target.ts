// The soak's rotation target: the webhook strategy's owner endpoint (functions/rotation/strategies/webhook.ts), in the
// benchmark's own process, so it outlives every kill of the local cloud as a real system would. It keeps the one
// credential each secret's system accepts: `set` installs the value's password, `test` says whether a password is it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface WebhookCall {
  readonly action: 'set' | 'test';
  readonly secretId: string;
  readonly versionId: string;
  readonly value: { readonly password?: unknown };
}

const readJson = (req: import('node:http').IncomingMessage) =>
  new Promise<unknown>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });

const startTarget = async () => {
  /** secret name (or ARN, as the strategy sends it) → the password its system accepts now. */
  const accepted = new Map<string, string>();
  let calls = 0;
  const server: Server = createServer((req, res) => {
    void readJson(req).then((body) => {
      calls++;
      const call = body as WebhookCall | undefined;
      const password = typeof call?.value?.password === 'string' ? call.value.password : undefined;
      const key = call ? keyOf(call.secretId) : '';
      if (!call || !password) {
        res.writeHead(400).end();
      } else if (call.action === 'set') {
        accepted.set(key, password);
        res.writeHead(200).end();
      } else {
        res.writeHead(accepted.get(key) === password ? 200 : 401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`;
  return {
    url,
    /** What the secret's system accepts now. */
    accepted: (secretName: string) => accepted.get(secretName),
    install: (secretName: string, password: string) => accepted.set(secretName, password),
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

// The strategy names the secret by what the workflow was given: a name, or an ARN ending in `:secret:<name>-XXXXXX`.
const keyOf = (secretId: string) => {
  const arn = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
  return arn?.[1] ?? secretId;
};

type Target = Awaited<ReturnType<typeof startTarget>>;

export type { Target };
export { startTarget };

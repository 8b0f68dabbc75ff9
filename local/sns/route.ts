// SNS's query protocol on the local endpoint: a form-encoded POST is an SNS action (the only query-protocol service
// the local cloud emulates), answered in XML. The region comes from the request's SigV4 scope, as for the JSON services.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT } from '../protocol.ts';
import type { SnsEmulator } from './index.ts';

const FORM = 'application/x-www-form-urlencoded';
const REGION_SCOPE = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//;

const createSnsQueryRoute =
  (sns: SnsEmulator, defaultRegion: string) =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith(FORM)) return false;
    const region = REGION_SCOPE.exec(String(req.headers.authorization ?? ''))?.[1] ?? defaultRegion;
    const out = sns.handleQuery(new URLSearchParams(body.toString('utf8')), {
      region,
      account: LOCAL_ACCOUNT,
      requestId: crypto.randomUUID(),
    });
    // A change the action made is answered once it is on disk.
    await sns.written();
    res.writeHead(out.status, { 'content-type': 'text/xml' });
    res.end(out.body);
    return true;
  };

export { createSnsQueryRoute };

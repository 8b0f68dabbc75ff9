// GetSecretValue requests per second against the Secrets Manager emulator over HTTP keep-alive, as a ratio to a bare
// Node HTTP server answering the same bytes on the same machine in the same run. Goal: ratio ≥ 0.5.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createSecretsManager } from '../../local/secretsmanager/index.ts';
import { startEndpoint } from '../../local/server.ts';
import { httpLoad, writeFigures } from './support.ts';

const HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'secretsmanager.GetSecretValue',
  // The emulator reads the region from the SigV4 scope; the signature itself is not checked locally.
  authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
};
const BODY = JSON.stringify({ SecretId: 'bench/db/main' });

const main = async (args: string[]) => {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' } },
  });
  const durationMs = Number(values.seconds) * 1000;
  const connections = Number(values.connections);
  let events = 0;
  const sm = createSecretsManager({ now: () => new Date(), emit: () => void events++ });
  const endpoint = await startEndpoint({ services: [sm.service], port: 0 });
  const created = await fetch(endpoint.url, {
    method: 'POST',
    headers: { ...HEADERS, 'x-amz-target': 'secretsmanager.CreateSecret' },
    body: JSON.stringify({
      Name: 'bench/db/main',
      SecretString: JSON.stringify({ username: 'app', password: 'x'.repeat(32) }),
    }),
  });
  if (!created.ok) throw new Error(`CreateSecret failed: ${await created.text()}`);
  // The bare server answers exactly the bytes the emulator answers, with the same headers' shape.
  const sample = await fetch(endpoint.url, { method: 'POST', headers: HEADERS, body: BODY });
  const sampleBody = await sample.text();
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(sampleBody),
        'x-amzn-requestid': crypto.randomUUID(),
      });
      res.end(sampleBody);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

  const load = (url: string) => httpLoad({ url, headers: HEADERS, body: BODY, connections, durationMs });
  await load(endpoint.url); // warm-up, both servers
  await load(bareUrl);
  const eventsBefore = events;
  const emulator = await load(endpoint.url);
  const eventsDuring = events - eventsBefore;
  const baseline = await load(bareUrl);
  await endpoint.close();
  bare.close();

  const emulatorRps = emulator.done / emulator.seconds;
  const bareRps = baseline.done / baseline.seconds;
  const figures = {
    benchmark: 'secretsmanager-get-secret-value',
    node: process.version,
    connections,
    secondsPerRun: durationMs / 1000,
    responseBytes: Buffer.byteLength(sampleBody),
    loadGenerator: emulator.generator,
    emulator: {
      requestsPerSecond: Math.round(emulatorRps),
      failed: emulator.failed,
      cloudTrailEventsEmitted: eventsDuring,
    },
    bareNodeHttp: { requestsPerSecond: Math.round(bareRps), failed: baseline.failed },
    ratio: Number((emulatorRps / bareRps).toFixed(3)),
    goal: '≥ 0.5',
  };
  console.log(`GetSecretValue over HTTP keep-alive, ${connections} connections, ${durationMs / 1000} s each:`);
  console.log(
    `  emulator       ${figures.emulator.requestsPerSecond} req/s (${emulator.failed} failed, ${eventsDuring} CloudTrail events)`,
  );
  console.log(`  bare node http ${figures.bareNodeHttp.requestsPerSecond} req/s`);
  console.log(`  ratio          ${figures.ratio} (goal ≥ 0.5)`);
  console.log(`  figures written to ${writeFigures('emulator', figures)}`);
};

export { main };

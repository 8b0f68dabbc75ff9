// Starts the whole local cloud for a test: serverless.yml resolved, handlers in process, a manual clock.
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createManualClock, type ManualClock } from '../../local/clock.ts';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../local/cloud.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const clientsFor = (url: string, region = 'us-east-1') => {
  // One attempt: a test sees what the endpoint answered, not what the SDK's retries made of it.
  const config = {
    endpoint: url,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    sm: new SecretsManagerClient(config),
    sfn: new SFNClient(config),
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
    ddb: new DynamoDBClient(config),
    // Path-style: the local cloud serves every bucket at its one URL.
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
};

interface TestCloud {
  cloud: LocalCloud;
  clock: ManualClock;
  clients: ReturnType<typeof clientsFor>;
  logs: string[];
}

/**
 * Handlers keep their SDK clients (and so the endpoint URL) for the life of the process, as Lambda containers do:
 * restarting a cloud in one test file must reuse the same port.
 */
const startTestCloud = async (
  options: {
    port?: number;
    dataDir?: string;
    start?: string;
    faults?: string;
    schedules?: boolean;
    /** Where the local SNS forwards notifications as Slack webhook posts (a test's stand-in for Slack). */
    slackWebhookUrl?: string;
    /** Trails of the test's own, and how often they deliver (local clock seconds). */
    trails?: LocalCloudOptions['trails'];
    trailDeliverySeconds?: number;
    /** Stage params over serverless.yml's (`--param`), e.g. `readsTrailBucket`. */
    params?: LocalCloudOptions['params'];
    /** The handlers' log level, and where their log lines go (default: the terminal). */
    logLevel?: string;
    functionLogs?: LocalCloudOptions['functionLogs'];
  } = {},
): Promise<TestCloud> => {
  const clock = createManualClock(options.start ?? '2026-01-05T09:00:00Z');
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    port: options.port ?? (await freePort()),
    clock,
    log: (line) => logs.push(line),
    schedules: options.schedules ?? false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
    ...(options.trails ? { trails: options.trails } : {}),
    ...(options.params ? { params: options.params } : {}),
    ...(options.trailDeliverySeconds === undefined ? {} : { trailDeliverySeconds: options.trailDeliverySeconds }),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.functionLogs ? { functionLogs: options.functionLogs } : {}),
  });
  return { cloud, clock, clients: clientsFor(cloud.url), logs };
};

export type { TestCloud };
export { clientsFor, freePort, startTestCloud };

// An SQS emulator on a loopback endpoint with a hand-driven clock: what the emulator's tests (and scenario tests
// elsewhere) need to drive it with the real SDK and let visibility timeouts and batching windows pass without sleeping.
import { SQSClient } from '@aws-sdk/client-sqs';
import { createManualClock, type ManualClock } from '../clock.ts';
import { startEndpoint } from '../server.ts';
import { createSqs } from './index.ts';

const startSqs = async (options: { start?: Date; log?: (line: string) => void } = {}) => {
  const clock = createManualClock(options.start ?? new Date('2025-03-19T10:00:00.000Z'));
  let url = '';
  const sqs = createSqs({ now: clock.now, clock, baseUrl: () => url, ...(options.log ? { log: options.log } : {}) });
  const endpoint = await startEndpoint({ services: [sqs.service], port: 0 });
  url = endpoint.url;
  const client = new SQSClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // Errors must surface at once, not after the SDK's retries.
    maxAttempts: 1,
  });
  return {
    sqs,
    clock,
    client,
    url: endpoint.url,
    close: async () => {
      client.destroy();
      await endpoint.close();
    },
  };
};

type SqsHarness = Awaited<ReturnType<typeof startSqs>>;

export type { ManualClock, SqsHarness };
export { createManualClock, startSqs };

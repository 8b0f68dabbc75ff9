// An SQS emulator on a loopback endpoint with a hand-driven clock: what the emulator's tests (and scenario tests
// elsewhere) need to drive it with the real SDK and let visibility timeouts and batching windows pass without sleeping.
import { SQSClient } from '@aws-sdk/client-sqs';
import { startEndpoint } from '../server.ts';
import { createSqs } from './index.ts';

/** A clock whose sleeps end only when advance() moves time past them, in deadline order. */
const createManualClock = (start: Date) => {
  let now = start.getTime();
  let sleepers: { at: number; resolve: () => void }[] = [];
  // Lets promise chains started by a woken sleeper (a consumer invoking its handler) run before time moves on.
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    now: () => new Date(now),
    sleep: (ms: number): Promise<void> =>
      new Promise<void>((resolve) => {
        sleepers.push({ at: now + Math.max(0, ms), resolve });
      }),
    advance: async (ms: number): Promise<void> => {
      const target = now + ms;
      for (;;) {
        const next = sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        sleepers = sleepers.filter((s) => s !== next);
        next.resolve();
        await settle();
      }
      now = target;
      await settle();
    },
  };
};

type ManualClock = ReturnType<typeof createManualClock>;

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

// A Secrets Manager emulator on a loopback endpoint with a hand-driven clock and a recorded event stream: what the
// emulator's tests (and scenario tests elsewhere) need to drive it with the real SDK and CLI.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEndpoint } from '../server.ts';
import type { EventBridgeEvent, RotationRequest } from './index.ts';
import { createSecretsManager } from './index.ts';

interface HarnessOptions {
  readonly start?: Date;
  readonly invokeRotation?: (lambdaArn: string, request: RotationRequest) => Promise<void>;
  /** Called with each event after it is recorded (a throw stands for a bus that refuses it). */
  readonly emit?: (event: EventBridgeEvent) => void;
  readonly log?: (line: string) => void;
}

const startSecretsManager = async (options: HarnessOptions = {}) => {
  let now = new Date(options.start ?? '2025-03-19T10:00:00.000Z');
  const events: EventBridgeEvent[] = [];
  const sm = createSecretsManager({
    now: () => now,
    emit: (event) => {
      events.push(event);
      options.emit?.(event);
    },
    ...(options.invokeRotation ? { invokeRotation: options.invokeRotation } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const endpoint = await startEndpoint({ services: [sm.service], port: 0 });
  const clients = new Map<string, SecretsManagerClient>();
  const client = (region = 'us-east-1') => {
    const existing = clients.get(region);
    if (existing) return existing;
    const created = new SecretsManagerClient({
      endpoint: endpoint.url,
      region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      // Errors must surface at once, not after the SDK's retries.
      maxAttempts: 1,
    });
    clients.set(region, created);
    return created;
  };
  return {
    sm,
    url: endpoint.url,
    events,
    client,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    now: () => now,
    close: async () => {
      for (const c of clients.values()) c.destroy();
      await endpoint.close();
    },
  };
};

type Harness = Awaited<ReturnType<typeof startSecretsManager>>;

export type { Harness, HarnessOptions };
export { startSecretsManager };

// A Step Functions emulator on a loopback endpoint with a hand-driven clock, a recorded status-change stream and
// scriptable Lambda functions: what the emulator's tests (and scenario tests elsewhere) need to drive it with the SDK.
import { SFNClient } from '@aws-sdk/client-sfn';
import { startEndpoint } from '../server.ts';
import { createStepFunctions, type StatusChangeEvent } from './index.ts';

type LambdaFn = (payload: unknown) => unknown;

interface HarnessOptions {
  readonly start?: Date;
  /** Functions by name (`smcp-dev-dispatch`): a qualified or full ARN resolves to the name. */
  readonly functions?: Readonly<Record<string, LambdaFn>>;
  readonly invokeIntegration?: (resource: string, parameters: unknown) => Promise<unknown>;
}

/** A clock that only moves when told: sleeps resolve as `advance` passes their due time, in order. */
const createManualClock = (start: Date) => {
  let now = start.getTime();
  const timers: { at: number; resolve: () => void }[] = [];
  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          timers.push({ at: now + ms, resolve });
          timers.sort((a, b) => a.at - b.at);
        });
  /** Moves time forward, waking each due sleeper in turn and letting `settle` run before the next one. */
  const advance = async (ms: number, settle: () => Promise<void>) => {
    const target = now + ms;
    for (let next = timers[0]; next && next.at <= target; next = timers[0]) {
      timers.shift();
      now = Math.max(now, next.at);
      next.resolve();
      await settle();
    }
    now = target;
    await settle();
  };
  return { now: () => new Date(now), sleep, advance, pending: () => timers.length };
};

const functionName = (ref: string) => {
  const afterFunction = ref.includes(':function:') ? (ref.split(':function:')[1] ?? ref) : ref;
  return afterFunction.split(':')[0] ?? afterFunction;
};

const startStepFunctions = async (options: HarnessOptions = {}) => {
  const clock = createManualClock(options.start ?? new Date('2025-03-19T10:00:00.000Z'));
  const events: StatusChangeEvent[] = [];
  const calls: { functionRef: string; payload: unknown }[] = [];
  const functions = new Map(Object.entries(options.functions ?? {}));
  const sfn = createStepFunctions({
    now: clock.now,
    clock,
    emit: (event) => events.push(event),
    invokeLambda: async (functionRef, payload) => {
      calls.push({ functionRef, payload });
      const fn = functions.get(functionName(functionRef));
      if (!fn) {
        throw Object.assign(new Error(`Function not found: ${functionRef}`), {
          name: 'ResourceNotFoundException',
          $fault: 'client',
        });
      }
      return fn(payload);
    },
    ...(options.invokeIntegration ? { invokeIntegration: options.invokeIntegration } : {}),
  });
  const endpoint = await startEndpoint({ services: [sfn.service], port: 0 });
  const client = new SFNClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // Errors must surface at once, not after the SDK's retries.
    maxAttempts: 1,
  });
  return {
    sfn,
    client,
    url: endpoint.url,
    events,
    calls,
    clock,
    setFunction: (name: string, fn: LambdaFn) => functions.set(name, fn),
    /** Advances the clock and waits until executions are idle again. */
    advance: (ms: number) => clock.advance(ms, () => sfn.whenIdle()),
    close: async () => {
      client.destroy();
      await endpoint.close();
    },
  };
};

type Harness = Awaited<ReturnType<typeof startStepFunctions>>;

export type { Harness, HarnessOptions, LambdaFn };
export { createManualClock, startStepFunctions };

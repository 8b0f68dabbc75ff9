// When the local cloud is idle: nothing is moving — no delivery, no background invocation, no rotation, no queued
// message, no execution that can progress now, no notification in flight, no log file being written. Work begets work (a delivery starts an
// execution that puts an event…), so it waits round after round until a round changes nothing.
import type { CloudTrail } from '../cloudtrail/index.ts';
import type { EventBus } from '../eventbridge/bus.ts';
import type { S3Emulator } from '../s3/index.ts';
import type { SecretsManagerEmulator } from '../secretsmanager/index.ts';
import type { SnsEmulator } from '../sns/index.ts';
import type { SqsEmulator } from '../sqs/index.ts';
import type { StepFunctions } from '../stepfunctions/index.ts';

interface IdleParts {
  readonly bus: EventBus;
  readonly background: Background;
  readonly secretsmanager: SecretsManagerEmulator;
  readonly sqs: SqsEmulator;
  readonly stepfunctions: StepFunctions;
  readonly sns: SnsEmulator;
  readonly s3: Pick<S3Emulator, 'whenIdle'>;
  readonly cloudTrail: Pick<CloudTrail, 'whenIdle' | 'stats'>;
}

// Far more rounds than any chain of work in the project takes; a bound, so a loop between services cannot hang a test.
const MAX_ROUNDS = 50;

/** Work started outside any emulator (asynchronous Lambda invocations through the Invoke API). */
const createBackground = () => {
  const work = new Set<Promise<unknown>>();
  return {
    track: (promise: Promise<unknown>) => {
      work.add(promise);
      void promise.finally(() => work.delete(promise));
    },
    settled: () => Promise.allSettled([...work]),
  };
};

type Background = ReturnType<typeof createBackground>;

const createWhenIdle = (parts: IdleParts) => {
  const { bus, background, secretsmanager, sqs, stepfunctions, sns, s3, cloudTrail } = parts;
  const fingerprint = () =>
    JSON.stringify([bus.stats(), cloudTrail.stats().delivered, stepfunctions.executions().map((e) => e.status)]);
  return async (): Promise<void> => {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = fingerprint();
      await bus.whenIdle();
      await background.settled();
      await secretsmanager.whenIdle();
      await sqs.drain();
      await stepfunctions.whenIdle();
      await sns.whenIdle();
      // A log file being written, then its Object Created event going on the bus.
      await cloudTrail.whenIdle();
      await s3.whenIdle();
      if (fingerprint() === before) return;
    }
  };
};

export type { Background };
export { createBackground, createWhenIdle };

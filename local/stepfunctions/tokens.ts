// Task tokens for `.waitForTaskToken` states: real, unique and unguessable (256 random bits), one per waiting task
// attempt. A token stays known after its task ends so that a late or repeated callback gets AWS's TaskTimedOut.
import { randomBytes } from 'node:crypto';
import { invalidToken, taskDoesNotExist, taskTimedOut } from './errors.ts';

const TOKEN_SHAPE = /^AQ[A-Za-z0-9_-]{43}$/;

interface Waiter {
  readonly executionArn: string;
  succeed(output: unknown): void;
  fail(error: string, cause: string): void;
  heartbeat(): void;
  /** Ends the wait without an outcome (execution stopped or timed out). */
  cancel(): void;
}

const createTokenRegistry = () => {
  /** token → execution ARN, for every token ever minted (restored from snapshots too). */
  const known = new Map<string, string>();
  const waiting = new Map<string, Waiter>();

  const mint = (executionArn: string) => {
    const token = `AQ${randomBytes(32).toString('base64url')}`;
    known.set(token, executionArn);
    return token;
  };

  const park = (token: string, waiter: Waiter) => waiting.set(token, waiter);
  const release = (token: string) => waiting.delete(token);

  /** The waiter behind a callback's token, or the error AWS answers. */
  const waiterFor = (token: string): Waiter => {
    const waiter = waiting.get(token);
    if (waiter) return waiter;
    if (known.has(token)) throw taskTimedOut();
    if (!TOKEN_SHAPE.test(token)) throw invalidToken('Invalid token');
    throw taskDoesNotExist();
  };

  const cancelExecution = (executionArn: string) => {
    for (const [token, waiter] of waiting) {
      if (waiter.executionArn !== executionArn) continue;
      waiting.delete(token);
      waiter.cancel();
    }
  };

  const remember = (token: string, executionArn: string) => known.set(token, executionArn);

  return { mint, park, release, waiterFor, cancelExecution, remember };
};

type TokenRegistry = ReturnType<typeof createTokenRegistry>;

export type { TokenRegistry, Waiter };
export { createTokenRegistry };

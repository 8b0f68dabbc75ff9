// A few hundred fuzz cases of the local cloud's endpoint on every `npm test`; `npm run bench -- fuzz` runs tens of
// thousands.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFuzzCloud } from './endpoint-target.ts';

let fuzz: Awaited<ReturnType<typeof startFuzzCloud>>;

beforeAll(async () => {
  fuzz = await startFuzzCloud();
});

afterAll(async () => {
  await fuzz?.stop();
});

describe('local endpoint under fuzzing', () => {
  it('answers arbitrary bodies, headers and targets of every protocol with a well-formed error, changing nothing, and stays up', async () => {
    // The problem is asserted, not returned: fast-check's report then says what went wrong with the counterexample.
    await fc.assert(
      fc.asyncProperty(fuzz.requests, async (request) => {
        expect(await fuzz.check(request)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});

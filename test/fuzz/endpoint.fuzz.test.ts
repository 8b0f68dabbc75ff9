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
    const failures: string[] = [];

    await fc.assert(
      fc.asyncProperty(fuzz.requests, async (request) => {
        const problem = await fuzz.check(request);
        if (problem) failures.push(problem);
        return problem === undefined;
      }),
      { numRuns: 200 },
    );

    expect(failures).toEqual([]);
  }, 120_000);
});

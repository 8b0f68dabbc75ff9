// A few hundred fuzz cases of the dispatcher on every `npm test`; `npm run bench -- fuzz` runs tens of thousands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDispatch, dispatchInputs, SEEDS } from './dispatch-target.ts';

describe('dispatch under fuzzing', () => {
  it('starts the right workflow for every real event each rule matches', async () => {
    const problems = await Promise.all(SEEDS.map((seed) => checkDispatch(seed)));

    expect(SEEDS.length).toBeGreaterThan(10);
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it('never throws on arbitrary JSON and mutated events: it rejects with a reason or starts exactly the rule’s workflow', async () => {
    // The problem is asserted, not returned: fast-check's report then says what went wrong with the counterexample.
    await fc.assert(
      fc.asyncProperty(dispatchInputs, async (input) => {
        expect(await checkDispatch(input)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

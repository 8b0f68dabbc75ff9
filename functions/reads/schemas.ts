// The read-spike area's boundaries: the events it emits and consumes. Zod only (the dispatcher imports this file).
import { z } from 'zod';
import { SecretRef } from '../shared/schemas.ts';

/** `smcp` / `Read Spike Detected`, from detect-spikes: the window and the numbers the detector saw. */
const ReadSpikeDetectedDetail = z.object({
  secretId: SecretRef,
  windowStart: z.iso.datetime(),
  windowEnd: z.iso.datetime(),
  observed: z.number().nonnegative(),
  expected: z.number().nonnegative(),
  score: z.number(),
});
type ReadSpikeDetectedDetail = z.infer<typeof ReadSpikeDetectedDetail>;

export { ReadSpikeDetectedDetail };

// When the clock next has work in the Secrets Manager emulator: the earliest end of a recovery window and the
// earliest settling of a replication in progress. tick() runs before every call, and walking every secret twice per
// call to find nothing due made a cleanup scan of N secrets (N/100 ListSecrets, a DescribeSecret per replicated
// candidate) cost N² in the emulator: 100,000 secrets took twenty minutes. The instant is found with one walk and
// kept until the state changes (forgetListings drops it with the listings: every write and every local-only change).
import type { Core } from './core.ts';
import type { State } from './state.ts';

const dueTimes = new WeakMap<Core, number>();

/** The earliest instant (ms) a recovery window ends or a replication settles; Infinity when nothing waits. */
const earliestDue = (state: State): number => {
  let earliest = Number.POSITIVE_INFINITY;
  for (const secret of Object.values(state.secrets)) {
    if (secret.deletionDate !== undefined) earliest = Math.min(earliest, Date.parse(secret.deletionDate));
    for (const region in secret.replicas) {
      const replica = secret.replicas[region];
      if (replica?.status === 'InProgress') earliest = Math.min(earliest, Date.parse(replica.settlesAt));
    }
  }
  return earliest;
};

/** Whether a recovery window has ended or a replication settles by now: only then does tick() walk the secrets. */
const anythingDue = (core: Core): boolean => {
  let at = dueTimes.get(core);
  if (at === undefined) {
    at = earliestDue(core.state);
    dueTimes.set(core, at);
  }
  // An unparsable date (NaN) never compares: such a secret is walked for as it always was.
  return Number.isNaN(at) || core.now().getTime() >= at;
};

/** The state changed: the next tick finds the due instant again. */
const forgetDue = (core: Core): void => {
  dueTimes.delete(core);
};

export { anythingDue, earliestDue, forgetDue };

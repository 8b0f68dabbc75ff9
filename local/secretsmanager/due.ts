// When the clock next has work in the Secrets Manager emulator: the earliest end of a recovery window and the
// earliest settling of a replication in progress. tick() runs before every call, and walking every secret twice per
// call to find nothing due made a cleanup scan of N secrets (N/100 ListSecrets, a DescribeSecret per replicated
// candidate, a TagResource per candidate it marks) cost N² in the emulator: 100,000 secrets took twenty minutes.
//
// The instant is found with one walk and then kept up to date instead of found again: due work is created in three
// places only (DeleteSecret's recovery window, startReplication, placeReplica), which lower it with dueBy(). Whatever
// ends due work early (RestoreSecret, a replica failed or removed) leaves it too early, which only costs one walk.
// Kept per state object: a restored or loaded state starts with a walk.
import type { Core } from './core.ts';
import type { State } from './state.ts';

const dueTimes = new WeakMap<State, number>();

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
  let at = dueTimes.get(core.state);
  if (at === undefined) {
    at = earliestDue(core.state);
    dueTimes.set(core.state, at);
  }
  // An unparsable date (NaN) never compares: such a state is walked on every call, as it always was.
  return Number.isNaN(at) || core.now().getTime() >= at;
};

/** New due work (a recovery window's end, a replication's settling, as ISO instants): the due instant moves up. */
const dueBy = (core: Core, instant: string): void => {
  const at = dueTimes.get(core.state);
  if (at !== undefined) dueTimes.set(core.state, Math.min(at, Date.parse(instant)));
};

/** After the clock's work is done: the next call finds the due instant again. */
const forgetDue = (core: Core): void => {
  dueTimes.delete(core.state);
};

export { anythingDue, dueBy, earliestDue, forgetDue };

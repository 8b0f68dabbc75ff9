// Which Map iteration or Parallel branch is doing something: its lane. aws-local-stepfunctions runs each iteration and
// each branch as a nested StateMachine run and calls our task handlers with the effective input only, so nothing it
// hands us says which iteration a call or an event belongs to. Replay needs exactly that: iterations that run at the
// same time interleave their events differently on every run, and a recorded outcome must go back to the iteration
// that recorded it. So every nested run of a machine we prepared runs inside an AsyncLocalStorage frame naming its
// lane (`Make The Changes[1]`, `Both{0}`, nested ones joined with `/`), and the events it logs are tagged with it.
//
// A lane is deterministic across runs: a Map's iterations are started in item order (the library queues them through
// p-limit, first in first out) from one nested StateMachine per Map state execution, so the n-th run of that machine
// is item n; a Parallel's branches are known by their definition. Within one lane everything happens in order, so
// replay can be order-strict per lane (replay.ts) however the lanes interleave.
import { AsyncLocalStorage } from 'node:async_hooks';
import { StateMachine } from 'aws-local-stepfunctions';

/** Where an event or a task attempt happened: '' for the execution's own states. */
type Lane = string;

/** What a nested definition (a Map's ItemProcessor, a Parallel's branch) is, by object identity. */
interface NestedLabel {
  readonly state: string;
  /** The branch's position, for a Parallel; undefined for a Map (its runs are counted). */
  readonly branch: number | undefined;
}

const ROOT: Lane = '';
/** The key events of nested runs carry their lane under; a symbol, so no library field is ever mistaken for it. */
const LANE = Symbol('smcp.lane');

const frames = new AsyncLocalStorage<Lane>();
const labels = new WeakMap<object, NestedLabel>();
const runs = new WeakMap<object, number>();

/** Marks a converted nested definition, so that its runs get a lane. */
const labelNested = (definition: object, state: string, branch?: number) => {
  labels.set(definition, { state, branch });
};

const tag = (event: unknown, lane: Lane) => {
  // The innermost run tags first; an event forwarded through outer runs keeps its own lane.
  if (typeof event === 'object' && event !== null && !(LANE in event)) {
    (event as Record<symbol, unknown>)[LANE] = lane;
  }
};

/**
 * Tags each event the nested run yields, in the very microtask it is handed over: our reaction to `next()` is
 * registered before the library's forwarder awaits it, so it runs first. (Another async hop in between would lose
 * events: the library closes a branch's log as soon as the branch ends, and drops what its forwarders bring later.)
 */
const tagEvents = <T>(events: AsyncGenerator<T>, lane: Lane) => {
  const next = events.next.bind(events);
  events.next = (...args) => {
    const result = next(...args);
    void result.then(
      (step) => tag(step.value, lane),
      () => {},
    );
    return result;
  };
};

type Run = StateMachine['run'];
const PATCHED = Symbol.for('smcp.stepfunctions.lanes');
const prototype = StateMachine.prototype as StateMachine & { [PATCHED]?: true };
if (!prototype[PATCHED]) {
  const original: Run = prototype.run;
  prototype.run = function run(this: StateMachine, input, options) {
    // The library keeps the definition it was given (not a copy): the object prepareMachine labelled.
    const label = labels.get((this as unknown as { readonly definition: object }).definition);
    if (!label) return original.call(this, input, options);
    const index = label.branch ?? runs.get(this) ?? 0;
    if (label.branch === undefined) runs.set(this, index + 1);
    const own = label.branch === undefined ? `${label.state}[${index}]` : `${label.state}{${index}}`;
    const parent = frames.getStore() ?? ROOT;
    const lane = parent === ROOT ? own : `${parent}/${own}`;
    const execution = frames.run(lane, () => original.call(this, input, options));
    tagEvents(execution.eventLogs, lane);
    return execution;
  };
  prototype[PATCHED] = true;
}

/** The lane of the code running now (a task handler reads it once, when the library calls it). */
const currentLane = (): Lane => frames.getStore() ?? ROOT;

/** The lane a library event was logged in. */
const laneOfLibraryEvent = (event: object): Lane => {
  const lane = (event as Record<symbol, unknown>)[LANE];
  return typeof lane === 'string' ? lane : ROOT;
};

/** Runs an execution's root outside any lane: a run started from inside another execution's handler is its own. */
const outsideLanes = <T>(start: () => T): T => frames.exit(start);

export type { Lane };
export { currentLane, labelNested, laneOfLibraryEvent, outsideLanes, ROOT };

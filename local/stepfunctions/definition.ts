// Prepares an ASL definition for aws-local-stepfunctions so that time stays ours: the library would sleep and time
// out on real timers, so Task states get a timeout it never reaches (we enforce TimeoutSeconds/HeartbeatSeconds on
// the clock) and Wait states become Tasks whose local handler sleeps on the clock. The original state types are kept
// so the history still says WaitStateEntered.
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { labelNested } from './lanes.ts';

// setTimeout clamps anything above 2^31-1 ms to 1 ms, so this is the longest the library's own Task timer can be.
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;
// A syntactically valid Lambda ARN for the converted Wait states; nothing ever invokes it.
const WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:smcp-local-wait';

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'NONE' | 'FULL';
}

interface TaskSpec {
  readonly kind: 'task';
  readonly name: string;
  readonly resource: string;
  readonly timeoutSeconds: number | undefined;
  readonly heartbeatSeconds: number | undefined;
  readonly retry: readonly Retrier[];
}

interface WaitSpec {
  readonly kind: 'wait';
  readonly name: string;
  readonly seconds: number | undefined;
  readonly timestamp: string | undefined;
  readonly secondsPath: string | undefined;
  readonly timestampPath: string | undefined;
}

interface PreparedMachine {
  readonly library: StateMachine;
  /** State name → the ASL Type written in the definition (the library reports converted Waits as Tasks). */
  readonly types: ReadonlyMap<string, string>;
  /** Task and Wait states by name: each gets a local handler. */
  readonly handled: ReadonlyMap<string, TaskSpec | WaitSpec>;
  readonly timeoutSeconds: number | undefined;
}

type Json = Record<string, unknown>;

const validated = new Set<string>();

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

const transition = (state: Json) => ('Next' in state ? { Next: state.Next } : { End: true });

type Collect = (spec: TaskSpec | WaitSpec) => void;

const convertState = (name: string, state: Json, seen: Map<string, string>, collect: Collect): Json => {
  if (state.Type === 'Task') {
    collect({
      kind: 'task',
      name,
      resource: String(state.Resource),
      timeoutSeconds: num(state.TimeoutSeconds),
      heartbeatSeconds: num(state.HeartbeatSeconds),
      retry: Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : [],
    });
    const { TimeoutSecondsPath: _t, HeartbeatSeconds: _h, HeartbeatSecondsPath: _hp, ...rest } = state;
    return { ...rest, TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS };
  }
  if (state.Type === 'Wait') {
    collect({
      kind: 'wait',
      name,
      seconds: num(state.Seconds),
      timestamp: str(state.Timestamp),
      secondsPath: str(state.SecondsPath),
      timestampPath: str(state.TimestampPath),
    });
    const paths = Object.fromEntries(Object.entries(state).filter(([k]) => k === 'InputPath' || k === 'OutputPath'));
    return {
      Type: 'Task',
      Resource: WAIT_RESOURCE,
      TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      ...paths,
      ...transition(state),
    };
  }
  // Each nested definition is labelled (lanes.ts), so that its runs know which branch or iteration they are.
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    const branches = state.Branches.map((b: unknown, i: number) => {
      const branch = convertMachine(b, seen, collect);
      if (isObject(branch)) labelNested(branch, name, i);
      return branch;
    });
    return { ...state, Branches: branches };
  }
  if (state.Type === 'Map') {
    const key = isObject(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
    const processor = convertMachine(state[key], seen, collect);
    if (isObject(processor)) labelNested(processor, name);
    return { ...state, [key]: processor };
  }
  return state;
};

const convertMachine = (machine: unknown, seen: Map<string, string>, collect: Collect): unknown => {
  if (!isObject(machine) || !isObject(machine.States)) return machine;
  const states = Object.entries(machine.States).map(([name, state]): [string, unknown] => {
    if (!isObject(state)) return [name, state];
    // Local handlers are keyed by state name across nested branches: two different states sharing a name would
    // share a handler, so refuse that rather than run the wrong one.
    const text = JSON.stringify(state);
    const previous = seen.get(name);
    if (previous !== undefined && previous !== text && (state.Type === 'Task' || state.Type === 'Wait')) {
      throw new Error(`The local cloud needs unique names for Task and Wait states; '${name}' is defined twice`);
    }
    seen.set(name, text);
    return [name, convertState(name, state, seen, collect)];
  });
  return { ...machine, States: Object.fromEntries(states) };
};

const collectTypes = (machine: unknown, types: Map<string, string>) => {
  if (!isObject(machine) || !isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    if (!types.has(name)) types.set(name, String(state.Type));
    if (Array.isArray(state.Branches)) for (const b of state.Branches) collectTypes(b, types);
    collectTypes(state.ItemProcessor ?? state.Iterator, types);
  }
};

/** Validates the definition (as AWS would at CreateStateMachine) and builds the clock-driven library machine. */
const prepareMachine = (definition: unknown): PreparedMachine => {
  if (!isObject(definition)) throw new Error('The definition must be a JSON object');
  // Throws with asl-validator's explanation when the definition is invalid. The validator writes defaults (such as
  // QueryLanguage) into what it checks, so it gets a copy; it takes ~250 ms a call, so valid texts are remembered.
  const text = JSON.stringify(definition);
  if (!validated.has(text)) {
    new StateMachine(structuredClone(definition) as unknown as StateMachineDefinition, {
      validationOptions: { checkPaths: false },
    });
    validated.add(text);
  }
  const handled = new Map<string, TaskSpec | WaitSpec>();
  const converted = convertMachine(definition, new Map(), (spec) => handled.set(spec.name, spec)) as Json;
  const { TimeoutSeconds, ...rest } = converted;
  const types = new Map<string, string>();
  collectTypes(definition, types);
  return {
    library: new StateMachine(rest as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } }),
    types,
    handled,
    timeoutSeconds: num(TimeoutSeconds),
  };
};

export type { PreparedMachine, Retrier, TaskSpec, WaitSpec };
export { prepareMachine };

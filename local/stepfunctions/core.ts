// The emulator's shared state: registered state machines, executions (records that snapshot as JSON) and the
// machinery of the running ones.
import type { PreparedMachine } from './definition.ts';
import { createTokenRegistry, type TokenRegistry } from './tokens.ts';
import type {
  ExecutionRecord,
  ExecutionRuntime,
  StateMachineRecord,
  StatusChangeEvent,
  StepFunctionsOptions,
} from './types.ts';

interface MachineEntry {
  readonly record: StateMachineRecord;
  /** Undefined when a restored definition no longer validates: executions of it are refused. */
  prepared: PreparedMachine | undefined;
}

interface Core {
  readonly options: StepFunctionsOptions;
  readonly region: string;
  readonly account: string;
  readonly emit: (event: StatusChangeEvent) => void;
  readonly machines: Map<string, MachineEntry>;
  readonly executions: Map<string, ExecutionRecord>;
  readonly runtimes: Map<string, ExecutionRuntime>;
  readonly tokens: TokenRegistry;
  /** Told of every change to an execution (the store writes it through); a no-op without a store. */
  changed: (record: ExecutionRecord) => void;
  /** Definitions by digest: an execution runs, and resumes, with the definition it started with. */
  readonly definitions: Map<string, string>;
}

const createCore = (options: StepFunctionsOptions): Core => ({
  options,
  region: options.region ?? 'us-east-1',
  account: options.account ?? '000000000000',
  emit: options.emit ?? (() => {}),
  machines: new Map(),
  executions: new Map(),
  runtimes: new Map(),
  tokens: createTokenRegistry(),
  changed: () => {},
  definitions: new Map(),
});

export type { Core, MachineEntry };
export { createCore };

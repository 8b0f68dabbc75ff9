// The Step Functions emulator of the local cloud: a JsonService for local/server.ts (AWS JSON 1.0, target prefix
// AWSStepFunctions) that executes ASL with aws-local-stepfunctions on a controllable clock, plus the hooks the local
// cloud and tests need: registering statemachines/, snapshot/restore, the store (write-through, and executions that
// resume after a restart), waiting until executions are idle.
import type { JsonService, OperationHandler } from '../protocol.ts';
import type { Store } from '../store/index.ts';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './callbacks.ts';
import { type Core, createCore } from './core.ts';
import { errors } from './errors.ts';
import { describeExecution, getExecutionHistory, listExecutions, startExecution, stopExecution } from './executions.ts';
import {
  createStateMachine,
  describeStateMachine,
  listStateMachines,
  type Registration,
  registerStateMachine,
} from './machines.ts';
import { createStepFunctionsPersistence, type StepFunctionsPersistence } from './persist.ts';
import { whenIdle } from './runner.ts';
import { restore, type Snapshot, snapshot } from './store.ts';
import type { Clock, ExecutionStatusValue, HistoryEvent, StatusChangeEvent, StepFunctionsOptions } from './types.ts';

type Operation = (core: Core, input: Record<string, unknown>) => unknown;

const OPERATIONS = {
  CreateStateMachine: createStateMachine,
  DescribeExecution: describeExecution,
  DescribeStateMachine: describeStateMachine,
  GetExecutionHistory: getExecutionHistory,
  ListExecutions: listExecutions,
  ListStateMachines: listStateMachines,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
  SendTaskSuccess: sendTaskSuccess,
  StartExecution: startExecution,
  StopExecution: stopExecution,
} as const satisfies Record<string, Operation>;

interface ExecutionSummary {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatusValue;
  readonly startDate: Date;
  readonly stopDate: Date | undefined;
  readonly error: string | undefined;
  readonly cause: string | undefined;
}

interface StepFunctions {
  readonly service: JsonService;
  /** Registers or replaces a state machine from a parsed ASL definition; returns its ARN. Throws if invalid. */
  registerStateMachine(registration: Registration): string;
  snapshot(): Snapshot;
  restore(snapshot: unknown): void;
  /**
   * Brings back what the store holds from the last run (executions that were running resume) and writes every change
   * through to it from now on. Returns the promise of the current state being on disk.
   */
  attachStore(store: Store): Promise<void> | undefined;
  /** Resolves once every running execution waits on the clock (Wait, backoff, timeout) or a task token. */
  whenIdle(): Promise<void>;
  /** Every execution, newest first. */
  executions(): ExecutionSummary[];
  /** An execution's history events (timestamps in epoch ms), for timelines. */
  history(executionArn: string): readonly HistoryEvent[];
}

const createStepFunctions = (options: StepFunctionsOptions): StepFunctions => {
  const core = createCore(options);
  let persistence: StepFunctionsPersistence | undefined;
  // With a store, an operation answers once what it changed is on disk.
  const operation =
    (name: string, run: Operation): OperationHandler =>
    (input) => {
      if (!persistence) return run(core, input);
      persistence.beginCall();
      let output: unknown;
      try {
        output = run(core, input);
      } catch (error) {
        const durable = persistence.endCall(false);
        if (!durable) throw error;
        return durable.then(() => {
          throw error;
        });
      }
      const durable = persistence.endCall(name === 'CreateStateMachine');
      return durable ? durable.then(() => output) : output;
    };
  const operations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, run]): [string, OperationHandler] => [name, operation(name, run)]),
  );
  return {
    service: {
      targetPrefix: 'AWSStepFunctions',
      signingName: 'states',
      contentType: 'application/x-amz-json-1.0',
      errors,
      operations,
    },
    registerStateMachine: (registration) => {
      const arn = registerStateMachine(core, registration);
      persistence?.machinesChanged();
      return arn;
    },
    snapshot: () => snapshot(core),
    restore: (value) => {
      restore(core, value);
      void persistence?.rewrite();
    },
    attachStore: (store) => {
      persistence = createStepFunctionsPersistence(core, store);
      return persistence.load();
    },
    whenIdle: () => whenIdle(core),
    executions: () =>
      [...core.executions.values()]
        .reverse()
        .sort((a, b) => b.startDate - a.startDate)
        .map((e) => ({
          executionArn: e.arn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: new Date(e.startDate),
          stopDate: e.stopDate === undefined ? undefined : new Date(e.stopDate),
          error: e.error,
          cause: e.cause,
        })),
    history: (executionArn) => core.executions.get(executionArn)?.history ?? [],
  };
};

export type { Clock, ExecutionSummary, Registration, Snapshot, StatusChangeEvent, StepFunctions, StepFunctionsOptions };
export { createStepFunctions };

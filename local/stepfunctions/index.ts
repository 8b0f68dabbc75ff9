// The Step Functions emulator of the local cloud: a JsonService for local/server.ts (AWS JSON 1.0, target prefix
// AWSStepFunctions) that executes ASL with aws-local-stepfunctions on a controllable clock, plus the hooks the local
// cloud and tests need: registering statemachines/, snapshot/restore, waiting until executions are idle.
import type { JsonService, OperationHandler } from '../protocol.ts';
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
  /** Resolves once every running execution waits on the clock (Wait, backoff, timeout) or a task token. */
  whenIdle(): Promise<void>;
  /** Every execution, newest first. */
  executions(): ExecutionSummary[];
  /** An execution's history events (timestamps in epoch ms), for timelines. */
  history(executionArn: string): readonly HistoryEvent[];
}

const createStepFunctions = (options: StepFunctionsOptions): StepFunctions => {
  const core = createCore(options);
  const operations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, run]): [string, OperationHandler] => [name, (input) => run(core, input)]),
  );
  return {
    service: {
      targetPrefix: 'AWSStepFunctions',
      signingName: 'states',
      contentType: 'application/x-amz-json-1.0',
      errors,
      operations,
    },
    registerStateMachine: (registration) => registerStateMachine(core, registration),
    snapshot: () => snapshot(core),
    restore: (value) => restore(core, value),
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

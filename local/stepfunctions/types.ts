// The shapes the Step Functions emulator keeps: what it is given (options), what it stores (records, JSON-safe so a
// snapshot is plain data) and what only lives while an execution runs (runtimes).

/** A controllable clock: every Wait, retry backoff and task timeout goes through it, so tests advance time. */
interface Clock {
  sleep(ms: number): Promise<void>;
}

/** The "Step Functions Execution Status Change" event, as EventBridge delivers it. */
interface StatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

interface StepFunctionsOptions {
  readonly now: () => Date;
  readonly clock: Clock;
  /** functionRef: the Task's Resource (a Lambda ARN, maybe qualified) or lambda:invoke's Parameters.FunctionName. */
  readonly invokeLambda: (functionRef: string, payload: unknown) => Promise<unknown>;
  /** Other service integrations (arn:aws:states:::sns:publish, …): resource and the resolved Parameters. */
  readonly invokeIntegration?: (resource: string, parameters: unknown) => Promise<unknown>;
  readonly emit?: (event: StatusChangeEvent) => void;
  readonly region?: string;
  readonly account?: string;
}

const ExecutionStatus = {
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  timedOut: 'TIMED_OUT',
  aborted: 'ABORTED',
} as const;

type ExecutionStatusValue = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  /** The definition as DescribeStateMachine returns it: a JSON string. */
  definition: string;
  roleArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly creationDate: number;
}

/** What the emulator keeps on a stored event for itself (never on the wire): what replay needs to resume it. */
interface LocalEventMarks {
  /** The Map iteration or Parallel branch the event happened in (lanes.ts); absent for the execution's own states. */
  readonly lane?: string;
  /** On ExecutionStarted: every event of this history says its lane (histories written before that do not). */
  readonly lanes?: true;
}

/** One GetExecutionHistory event, wire-shaped except `timestamp`, kept in epoch milliseconds, and `local`. */
interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly local?: LocalEventMarks;
  readonly [details: string]: unknown;
}

interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  status: ExecutionStatusValue;
  /** The input exactly as StartExecution received it: idempotency compares this string. */
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: number;
  stopDate?: number;
  readonly history: HistoryEvent[];
  /** Every task token minted for this execution: a used one answers TaskTimedOut, as AWS does. */
  readonly tokens: string[];
  /** Digest of the definition it started with (in the store's definitions): it resumes with that one. */
  readonly definition?: string;
}

/** Machinery of one running execution; never snapshotted. */
interface ExecutionRuntime {
  /** Handlers in progress that are not parked on the clock or a task token. */
  active: number;
  abort(): void;
  /** Settles when the execution closes, so handlers parked on the clock let go (and the library clears its timer). */
  readonly closed: Promise<void>;
  close(): void;
}

export type {
  Clock,
  ExecutionRecord,
  ExecutionRuntime,
  ExecutionStatusValue,
  HistoryEvent,
  LocalEventMarks,
  StateMachineRecord,
  StatusChangeEvent,
  StepFunctionsOptions,
};
export { ExecutionStatus };

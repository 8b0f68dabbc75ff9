// AWS-shaped errors with the `__type`s and messages the Step Functions API returns.
import { AwsError } from '../protocol.ts';

const ErrorType = {
  stateMachineDoesNotExist: 'StateMachineDoesNotExist',
  stateMachineAlreadyExists: 'StateMachineAlreadyExists',
  executionDoesNotExist: 'ExecutionDoesNotExist',
  executionAlreadyExists: 'ExecutionAlreadyExists',
  invalidName: 'InvalidName',
  invalidArn: 'InvalidArn',
  invalidDefinition: 'InvalidDefinition',
  invalidExecutionInput: 'InvalidExecutionInput',
  invalidOutput: 'InvalidOutput',
  invalidToken: 'InvalidToken',
  taskDoesNotExist: 'TaskDoesNotExist',
  taskTimedOut: 'TaskTimedOut',
  validation: 'ValidationException',
  serialization: 'SerializationException',
} as const;

const stateMachineDoesNotExist = (arn: string) =>
  new AwsError(ErrorType.stateMachineDoesNotExist, `State Machine Does Not Exist: '${arn}'`);
const stateMachineAlreadyExists = (arn: string) =>
  new AwsError(ErrorType.stateMachineAlreadyExists, `State Machine Already Exists: '${arn}'`);
const executionDoesNotExist = (arn: string) =>
  new AwsError(ErrorType.executionDoesNotExist, `Execution Does Not Exist: '${arn}'`);
const executionAlreadyExists = (arn: string) =>
  new AwsError(ErrorType.executionAlreadyExists, `Execution Already Exists: '${arn}'`);
const invalidName = (name: string) => new AwsError(ErrorType.invalidName, `Invalid Name: '${name}'`);
const invalidArn = (reason: string) => new AwsError(ErrorType.invalidArn, `Invalid Arn: '${reason}'`);
const invalidDefinition = (reason: string) =>
  new AwsError(ErrorType.invalidDefinition, `Invalid State Machine Definition: '${reason}'`);
const invalidExecutionInput = (reason: string) =>
  new AwsError(ErrorType.invalidExecutionInput, `Invalid State Machine Execution Input: '${reason}'`);
const invalidOutput = (reason: string) => new AwsError(ErrorType.invalidOutput, `Invalid Output: '${reason}'`);
const invalidToken = (reason: string) => new AwsError(ErrorType.invalidToken, `Invalid Token: '${reason}'`);
const taskDoesNotExist = () => new AwsError(ErrorType.taskDoesNotExist, 'Task Does Not Exist');
// What AWS answers for a token whose task already completed, failed, timed out or whose execution stopped.
const taskTimedOut = () =>
  new AwsError(ErrorType.taskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'");
const validation = (problems: readonly string[]) =>
  new AwsError(
    ErrorType.validation,
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
const serialization = (message: string) => new AwsError(ErrorType.serialization, message);

export {
  ErrorType,
  executionAlreadyExists,
  executionDoesNotExist,
  invalidArn,
  invalidDefinition,
  invalidExecutionInput,
  invalidName,
  invalidOutput,
  invalidToken,
  serialization,
  stateMachineAlreadyExists,
  stateMachineDoesNotExist,
  taskDoesNotExist,
  taskTimedOut,
  validation,
};

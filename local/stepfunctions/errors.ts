// AWS-shaped errors with the `__type`s and messages the Step Functions API returns.
import { coralErrors } from '../json-protocol/errors.ts';

const errors = coralErrors();

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
  errors.error(ErrorType.stateMachineDoesNotExist, `State Machine Does Not Exist: '${arn}'`);
const stateMachineAlreadyExists = (arn: string) =>
  errors.error(ErrorType.stateMachineAlreadyExists, `State Machine Already Exists: '${arn}'`);
const executionDoesNotExist = (arn: string) =>
  errors.error(ErrorType.executionDoesNotExist, `Execution Does Not Exist: '${arn}'`);
const executionAlreadyExists = (arn: string) =>
  errors.error(ErrorType.executionAlreadyExists, `Execution Already Exists: '${arn}'`);
const invalidName = (name: string) => errors.error(ErrorType.invalidName, `Invalid Name: '${name}'`);
const invalidArn = (reason: string) => errors.error(ErrorType.invalidArn, `Invalid Arn: '${reason}'`);
const invalidDefinition = (reason: string) =>
  errors.error(ErrorType.invalidDefinition, `Invalid State Machine Definition: '${reason}'`);
const invalidExecutionInput = (reason: string) =>
  errors.error(ErrorType.invalidExecutionInput, `Invalid State Machine Execution Input: '${reason}'`);
const invalidOutput = (reason: string) => errors.error(ErrorType.invalidOutput, `Invalid Output: '${reason}'`);
const invalidToken = (reason: string) => errors.error(ErrorType.invalidToken, `Invalid Token: '${reason}'`);
const taskDoesNotExist = () => errors.error(ErrorType.taskDoesNotExist, 'Task Does Not Exist');
// What AWS answers for a token whose task already completed, failed, timed out or whose execution stopped.
const taskTimedOut = () =>
  errors.error(ErrorType.taskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'");
const { validation } = errors;

export {
  ErrorType,
  errors,
  executionAlreadyExists,
  executionDoesNotExist,
  invalidArn,
  invalidDefinition,
  invalidExecutionInput,
  invalidName,
  invalidOutput,
  invalidToken,
  stateMachineAlreadyExists,
  stateMachineDoesNotExist,
  taskDoesNotExist,
  taskTimedOut,
  validation,
};

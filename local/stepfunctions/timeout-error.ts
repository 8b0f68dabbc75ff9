// States.Timeout as the library's own error class. aws-local-stepfunctions lets `States.TaskFailed` match every error
// except instances of its (unexported) StatesTimeoutError, which is what AWS does for timeouts. A plain Error named
// States.Timeout would wrongly be caught by `States.TaskFailed`, so we obtain the class once, at load, by letting the
// library time out a never-settling task after 1 ms of real time.
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type ErrorClass = new () => Error;

const captureTimeoutClass = async (): Promise<ErrorClass | undefined> => {
  const probe = {
    StartAt: 'Probe',
    States: {
      Probe: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
        TimeoutSeconds: 0.001,
        End: true,
      },
    },
  } as unknown as StateMachineDefinition;
  const machine = new StateMachine(probe, { validationOptions: { noValidate: true } });
  const run = machine.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } });
  try {
    await run.result;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as ErrorClass;
  }
  return undefined;
};

const TimeoutClass = await captureTimeoutClass();

/** An error the library treats exactly like its own task timeout (not matched by States.TaskFailed). */
const statesTimeout = (cause: string): Error => {
  const error = TimeoutClass ? new TimeoutClass() : Object.assign(new Error(), { name: 'States.Timeout' });
  error.message = cause;
  return error;
};

export { statesTimeout };

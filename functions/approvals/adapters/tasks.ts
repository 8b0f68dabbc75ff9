// Completes the workflow task that waits for an approval: SendTaskSuccess (approved, with the decision as the task's
// output) or SendTaskFailure (rejected, with the error the state machine catches). Only SDK commands live here; the
// decide step (steps/decide-approval.ts) says which, and what to do when the workflow no longer waits.
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

interface TaskCallbacks {
  succeed(taskToken: string, output: object): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

const createTaskCallbacks = ({ sfn }: { sfn: SFNClient }): TaskCallbacks => ({
  async succeed(taskToken, output) {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  },
  async fail(taskToken, error, cause) {
    await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  },
});

export type { TaskCallbacks };
export { createTaskCallbacks };

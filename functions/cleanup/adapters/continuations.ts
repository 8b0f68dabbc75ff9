// Continue-as-new: a scan that has spent its share of one execution's history goes on in a fresh execution of the
// same state machine, started with the cursor. The name is derived from the scan and the part, so a retried step finds
// the execution it already started instead of starting a second one.
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

interface Continuations {
  start(name: string, input: object): Promise<{ executionArn: string }>;
}

/** `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:<execution>`. */
const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

const createContinuations = ({ sfn, stateMachineArn }: { sfn: SFNClient; stateMachineArn: string }): Continuations => ({
  async start(name, input) {
    try {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn ?? executionArnOf(stateMachineArn, name) };
    } catch (error) {
      // Started by an earlier attempt of this step (same name): that execution is the continuation.
      if (error instanceof ExecutionAlreadyExists) return { executionArn: executionArnOf(stateMachineArn, name) };
      throw error;
    }
  },
});

export type { Continuations };
export { createContinuations, executionArnOf };

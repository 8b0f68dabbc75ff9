// Starts Step Functions executions. Only SDK commands and error translation live here.
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { WorkflowNotDeployedError } from '../errors.ts';

type StartResult = { status: 'started'; executionArn: string } | { status: 'duplicate'; executionArn: string };

interface WorkflowStarter {
  start(workflow: string, name: string, input: unknown): Promise<StartResult>;
}

/**
 * @param stateMachineArnPrefix e.g. `arn:aws:states:us-east-1:123456789012:stateMachine:smcp-prod-`; the workflow
 * name completes it, so the dispatcher needs no per-workflow configuration.
 */
const createWorkflowStarter = ({
  sfn,
  stateMachineArnPrefix,
}: {
  sfn: SFNClient;
  stateMachineArnPrefix: string;
}): WorkflowStarter => ({
  async start(workflow, name, input) {
    const stateMachineArn = `${stateMachineArnPrefix}${workflow}`;
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { status: 'started', executionArn: out.executionArn ?? executionArn };
    } catch (error) {
      const errorName = (error as { name?: string }).name;
      // A duplicate delivery of the same event: the execution it started already exists, so there is nothing to do.
      if (errorName === 'ExecutionAlreadyExists') return { status: 'duplicate', executionArn };
      if (errorName === 'StateMachineDoesNotExist') throw new WorkflowNotDeployedError(workflow, { cause: error });
      throw error;
    }
  },
});

export type { StartResult, WorkflowStarter };
export { createWorkflowStarter };

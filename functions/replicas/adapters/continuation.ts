// Starts the execution that continues a scan (continue-as-new): the same state machine, a name derived from the scan
// and its sequence number, so a retried step finds the execution it already started instead of starting a second.
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

interface ScanContinuation {
  start(name: string, input: unknown): Promise<{ executionArn: string; status: 'started' | 'duplicate' }>;
}

const createScanContinuation = ({
  sfn,
  stateMachineArn,
}: {
  sfn: SFNClient;
  stateMachineArn: string;
}): ScanContinuation => ({
  async start(name, input) {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn ?? executionArn, status: 'started' };
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return { executionArn, status: 'duplicate' };
      throw error;
    }
  },
});

export type { ScanContinuation };
export { createScanContinuation };

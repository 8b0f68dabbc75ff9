// The orchestrated rotations that ran lately (ListExecutions on the rotation state machine): how the verification
// tells a rotation's own move of AWSCURRENT from anybody else's. Only SDK commands live here.
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RotationExecution } from '../domain/verification.ts';

interface RotationExecutions {
  /** Running rotations and the most recent ones, newest first (enough to find the one that just moved a label). */
  recent(): Promise<RotationExecution[]>;
}

// One page of each: a label event arrives seconds after the move, while its rotation runs or has just stopped.
const PAGE = 100;

const createRotationExecutions = ({
  sfn,
  stateMachineArn,
}: {
  sfn: SFNClient;
  stateMachineArn: string;
}): RotationExecutions => ({
  async recent() {
    const [running, latest] = await Promise.all([
      sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: PAGE })),
      sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: PAGE })),
    ]);
    const byArn = new Map<string, RotationExecution>();
    for (const e of [...(running.executions ?? []), ...(latest.executions ?? [])]) {
      if (!e.executionArn) continue;
      byArn.set(e.executionArn, {
        executionArn: e.executionArn,
        status: String(e.status ?? ''),
        startDate: e.startDate ? new Date(e.startDate).getTime() : 0,
        ...(e.stopDate ? { stopDate: new Date(e.stopDate).getTime() } : {}),
      });
    }
    return [...byArn.values()];
  },
});

export type { RotationExecutions };
export { createRotationExecutions };

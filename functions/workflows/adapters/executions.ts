// Reads an execution back from Step Functions: DescribeExecution and the newest end of its history, without the
// states' inputs and outputs (`includeExecutionData: false`). Only SDK commands and error translation live here.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DescribedExecution, HistoryEntry } from '../domain/failure.ts';
import { ExecutionNotFoundError } from '../errors.ts';

// The last state entered is among the final events: a failed task, its retries and the terminal event. Three pages of
// a hundred reach past any retry policy in statemachines/.
const HISTORY_PAGES = 3;

interface Executions {
  describe(executionArn: string): Promise<DescribedExecution>;
  /** The newest history events first, at most a few hundred. */
  recentHistory(executionArn: string): Promise<HistoryEntry[]>;
}

const notFound = (error: unknown, executionArn: string) =>
  (error as { name?: string } | null)?.name === 'ExecutionDoesNotExist'
    ? new ExecutionNotFoundError(executionArn, { cause: error })
    : error;

const createExecutions = ({ sfn }: { sfn: SFNClient }): Executions => ({
  async describe(executionArn) {
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return {
        executionArn: out.executionArn ?? executionArn,
        stateMachineArn: out.stateMachineArn ?? '',
        name: out.name ?? executionArn.split(':').at(-1) ?? '',
        status: out.status ?? 'UNKNOWN',
        input: out.input,
        error: out.error,
      };
    } catch (error) {
      throw notFound(error, executionArn);
    }
  },

  async recentHistory(executionArn) {
    const events: HistoryEntry[] = [];
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const out = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn,
            reverseOrder: true,
            includeExecutionData: false,
            maxResults: 100,
            nextToken,
          }),
        );
        events.push(...(out.events ?? []));
        nextToken = out.nextToken;
        if (!nextToken || events.some((e) => e.type?.endsWith('StateEntered'))) break;
      }
    } catch (error) {
      throw notFound(error, executionArn);
    }
    return events;
  },
});

export type { Executions };
export { createExecutions };

// Inspect Failed Execution: reads the execution the event names back from Step Functions, so nothing the event
// claims is believed (a forged or stale event, an execution of another stack or of this alert itself is skipped).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Executions } from '../adapters/executions.ts';
import { readFailure } from '../domain/failure.ts';
import { ExecutionNotFoundError } from '../errors.ts';
import type { Failure, InspectInput } from '../schemas.ts';

interface InspectDeps {
  readonly executions: Executions;
  /** `arn:…:stateMachine:<service>-<stage>-`: the stack's own state machines. */
  readonly stateMachineArnPrefix: string;
  readonly logger: Logger;
}

const createInspectStep =
  ({ executions, stateMachineArnPrefix, logger }: InspectDeps) =>
  async ({ executionArn, alertStateMachineArn }: InspectInput): Promise<Failure> => {
    const scope = { stateMachineArnPrefix, alertStateMachineArn };
    try {
      const execution = await executions.describe(executionArn);
      const history = await executions.recentHistory(executionArn);
      const failure = readFailure(execution, history, scope);
      logger.info(failure.ended ? 'Failed execution inspected' : 'Not a failure to alert on', {
        executionArn,
        status: failure.status,
        lastState: failure.lastState,
        skipReason: failure.skipReason,
      });
      return failure;
    } catch (error) {
      if (!(error instanceof ExecutionNotFoundError)) throw error;
      logger.warn('The event names an execution Step Functions does not have', { executionArn });
      return {
        ...readFailure(
          { executionArn, stateMachineArn: alertStateMachineArn, name: 'unknown', status: 'UNKNOWN' },
          [],
          scope,
        ),
        ended: false,
        skipReason: 'no such execution',
      };
    }
  };

export type { InspectDeps };
export { createInspectStep };

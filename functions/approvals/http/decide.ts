// The decide step (functions/rotation/steps/decide-approval.ts) with the same adapters the `approve` function uses,
// built from clients: the HTTP endpoints verify their caller and then decide exactly as `approve` does.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDecideStep } from '../../rotation/steps/decide-approval.ts';
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { type ApprovalStore, createApprovalStore } from '../store.ts';

interface DecideClients {
  readonly ddb: DynamoDBDocumentClient;
  readonly sfn: SFNClient;
  readonly events: EventBridgeClient;
  readonly tableName: string;
  readonly logger: Logger;
  /** Read per call: the allowlist is configuration, and an empty one means nobody may approve (fail closed). */
  readonly allowlist: () => Iterable<string>;
}

const createHttpDecide = ({ ddb, sfn, events, tableName, logger, allowlist }: DecideClients) => {
  const store: ApprovalStore = createApprovalStore({ ddb, tableName });
  const decide = createDecideStep({
    store,
    tasks: {
      async succeed(taskToken, output) {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      },
      async fail(taskToken, error, cause) {
        await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
      },
    },
    bus: createEventPublisher({ events }),
    logger,
    allowlist,
  });
  return { store, decide };
};

/** `APPROVERS`: comma-separated, as the `approve` function reads it. */
const approversFromEnv = (): string[] => (process.env.APPROVERS ?? '').split(',');

export type { DecideClients };
export { approversFromEnv, createHttpDecide };

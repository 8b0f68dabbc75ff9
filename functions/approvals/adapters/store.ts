// Approval records in DynamoDB (partition key `approvalId`, a string). Only SDK commands and error translation live
// here; the rules are in domain/record.ts. No TTL and no transactions (dynalite has neither): expiry is an attribute
// compared in conditions, and single use is one conditional UpdateItem.
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { APPROVAL_STATUSES, type ApprovalRecord, isCanonicalIso } from '../domain/record.ts';
import {
  ApprovalAlreadyDecidedError,
  ApprovalAlreadyExistsError,
  ApprovalExpiredError,
  ApprovalNotFoundError,
  InvalidApprovalError,
} from '../errors.ts';

type FinalStatus = typeof APPROVAL_STATUSES.approved | typeof APPROVAL_STATUSES.rejected;

interface DecisionWrite {
  readonly status: FinalStatus;
  readonly decidedBy: string;
  /** Canonical ISO-8601 UTC, and also the "now" of the expiry condition. */
  readonly decidedAt: string;
}

interface ApprovalStore {
  /** Stores a new pending record; throws ApprovalAlreadyExistsError when the id is taken. */
  put(record: ApprovalRecord): Promise<void>;
  get(approvalId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Flips pending → approved|rejected once and returns the record as written (with the task token the winner needs).
   * Throws ApprovalAlreadyDecidedError, ApprovalExpiredError or ApprovalNotFoundError otherwise.
   */
  markDecided(approvalId: string, decision: DecisionWrite): Promise<ApprovalRecord>;
  /**
   * Turns a decision that came too late (the workflow no longer waited) into `expired`, once: only the decision that
   * was just written, identified by its status and decidedAt, is turned. Returns the record as written, or undefined
   * when something else changed it first.
   */
  markExpired(
    approvalId: string,
    decided: Pick<DecisionWrite, 'status' | 'decidedAt'>,
  ): Promise<ApprovalRecord | undefined>;
}

const isConditionalCheckFailed = (error: unknown) =>
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

// Messages name fields, never values: a record carries its task token.
const validateNew = (record: ApprovalRecord) => {
  // executionArn binds the record to the execution that waits for it (Check Approval compares it).
  for (const field of ['approvalId', 'taskToken', 'secretId', 'action', 'executionArn', 'requestedBy'] as const) {
    if (!isNonEmptyString(record[field])) throw new InvalidApprovalError(`Approval record needs a ${field}`);
  }
  if (record.status !== APPROVAL_STATUSES.pending) throw new InvalidApprovalError('A new approval must be pending');
  if (record.decidedBy !== undefined || record.decidedAt !== undefined) {
    throw new InvalidApprovalError('A new approval cannot carry a decision');
  }
  // The conditional write compares expiresAt as a string: only one spelling of instants keeps that sound.
  if (!isCanonicalIso(record.expiresAt)) throw new InvalidApprovalError('expiresAt must be an ISO-8601 UTC instant');
};

const validateDecision = (approvalId: string, { status, decidedBy, decidedAt }: DecisionWrite) => {
  if (!isNonEmptyString(approvalId)) throw new InvalidApprovalError('An approval id is required');
  if (status !== APPROVAL_STATUSES.approved && status !== APPROVAL_STATUSES.rejected) {
    throw new InvalidApprovalError('A decision is approved or rejected');
  }
  if (!isNonEmptyString(decidedBy)) throw new InvalidApprovalError('A decision needs decidedBy');
  if (!isCanonicalIso(decidedAt)) throw new InvalidApprovalError('decidedAt must be an ISO-8601 UTC instant');
};

/** The Document client refuses undefined attributes; optional fields that are absent are simply left out. */
const withoutUndefined = (record: ApprovalRecord): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

const createApprovalStore = ({ ddb, tableName }: { ddb: DynamoDBDocumentClient; tableName: string }): ApprovalStore => {
  const get = async (approvalId: string): Promise<ApprovalRecord | undefined> => {
    // Strongly consistent: a callback must see a decision written a moment ago.
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: { approvalId }, ConsistentRead: true }));
    return out.Item as ApprovalRecord | undefined;
  };

  /**
   * Why a decision's condition failed. A second read, not ReturnValuesOnConditionCheckFailure: dynalite lacks it, and
   * the exception would then carry the old item (task token included) into every logged `cause`.
   */
  const conditionFailure = async (approvalId: string, decidedAt: string, cause: unknown): Promise<Error> => {
    const current = await get(approvalId);
    if (current === undefined) return new ApprovalNotFoundError(approvalId, { cause });
    if (current.status === APPROVAL_STATUSES.pending && current.expiresAt <= decidedAt) {
      return new ApprovalExpiredError(approvalId, { cause });
    }
    return new ApprovalAlreadyDecidedError(approvalId, { cause });
  };

  return {
    async put(record) {
      validateNew(record);
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: withoutUndefined(record),
            ConditionExpression: 'attribute_not_exists(approvalId)',
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new ApprovalAlreadyExistsError(record.approvalId, { cause: error });
        throw error;
      }
    },

    get,

    async markDecided(approvalId, decision) {
      validateDecision(approvalId, decision);
      try {
        const out = await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :status, decidedBy = :decidedBy, decidedAt = :decidedAt',
            // One write decides: a concurrent or replayed callback finds the status no longer pending and fails here.
            // `#status = :pending` also fails for a missing item, so no attribute_exists is needed.
            ConditionExpression: '#status = :pending AND expiresAt > :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': decision.status,
              ':decidedBy': decision.decidedBy,
              ':decidedAt': decision.decidedAt,
              ':pending': APPROVAL_STATUSES.pending,
              ':now': decision.decidedAt,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes as ApprovalRecord;
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw await conditionFailure(approvalId, decision.decidedAt, error);
        throw error;
      }
    },

    async markExpired(approvalId, { status, decidedAt }) {
      try {
        const out = await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :expired',
            ConditionExpression: '#status = :decided AND decidedAt = :decidedAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':expired': APPROVAL_STATUSES.expired,
              ':decided': status,
              ':decidedAt': decidedAt,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes as ApprovalRecord;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },
  };
};

export type { ApprovalStore, DecisionWrite, FinalStatus };
export { createApprovalStore };

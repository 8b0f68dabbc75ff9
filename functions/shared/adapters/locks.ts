// Leases in DynamoDB (partition key `lockKey`, a string): one conditional PutItem takes a lease, one conditional
// DeleteItem gives it back. No TTL (dynalite has none): the expiry is an attribute the condition compares, so a lease
// whose holder crashed can be taken over once it has expired.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';

type AcquireResult =
  | { readonly acquired: true }
  | { readonly acquired: false; readonly heldBy: string; readonly expiresAt: string };

interface Locks {
  /** Takes the lease, or renews it when `owner` already holds it (a retried step); reports the holder otherwise. */
  acquire(lock: { key: string; owner: string; now: Date; ttlSeconds: number }): Promise<AcquireResult>;
  /** Gives the lease back if `owner` holds it; false when it did not (already released, expired and taken over). */
  release(lock: { key: string; owner: string }): Promise<boolean>;
  /**
   * The keys of the leases `owner` holds. A Scan: the table has no index on owner, but it holds only live leases (each
   * is given back when its work ends), so it stays small; for the failure alert of a scan workflow, whose input names
   * no secret.
   */
  heldBy(owner: string): Promise<string[]>;
}

const isConditionalCheckFailed = (error: unknown) =>
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

const createLocks = ({ ddb, tableName }: { ddb: DynamoDBDocumentClient; tableName: string }): Locks => ({
  async acquire({ key, owner, now, ttlSeconds }) {
    // ISO strings in one canonical form order like the instants they name, so the condition can compare them.
    const nowIso = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { lockKey: key, owner, acquiredAt: nowIso, expiresAt },
          ConditionExpression: 'attribute_not_exists(lockKey) OR expiresAt <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': nowIso, ':owner': owner },
        }),
      );
      return { acquired: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const held = await ddb.send(new GetCommand({ TableName: tableName, Key: { lockKey: key }, ConsistentRead: true }));
    return {
      acquired: false,
      heldBy: String(held.Item?.owner ?? 'unknown'),
      expiresAt: String(held.Item?.expiresAt ?? 'unknown'),
    };
  },

  async release({ key, owner }) {
    try {
      await ddb.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { lockKey: key },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  },

  async heldBy(owner) {
    const keys: string[] = [];
    const pages = paginateScan(
      { client: ddb },
      {
        TableName: tableName,
        FilterExpression: '#owner = :owner',
        ProjectionExpression: 'lockKey',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) keys.push(String(item.lockKey));
    return keys;
  },
});

export type { AcquireResult, Locks };
export { createLocks };

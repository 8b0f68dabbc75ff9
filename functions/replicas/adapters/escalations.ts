// What each secret's replica escalation last told people, in DynamoDB (ReplicaEscalationsTable, partition key
// `secretId`): the scan every six hours finds a failure nobody has fixed yet again and again, and people are told of
// it once, then again only after `replicaEscalationRepeatHours` — at once when the failure changes (other regions,
// classes or outcomes) — and at once after the secret's replicas are repaired or found in sync (fixed by hand), which
// forgets the item. Items expire (`expiresAt`, DynamoDB TTL) once they hold nothing back.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';

interface SentEscalation {
  /** escalationFingerprint() of the rows people were told about. */
  readonly fingerprint: string;
  /** When they were told (ISO). */
  readonly sentAt: string;
}

interface EscalationLog {
  /** The last escalation sent for the secret, read consistently; undefined when none is on record. */
  last(secretId: string): Promise<SentEscalation | undefined>;
  /** Records an escalation as sent; the item expires at `expiresAt` (epoch seconds). */
  sent(secretId: string, escalation: SentEscalation, expiresAt: number): Promise<void>;
  /** Forgets the secret's escalation (its replicas were repaired, or are in sync): the next failure is told at once. */
  clear(secretId: string): Promise<void>;
  /** The secrets with an escalation on record (a few at most: only failures nobody has fixed yet). */
  recorded(): Promise<ReadonlySet<string>>;
}

const createEscalationLog = ({
  ddb,
  tableName,
}: {
  ddb: DynamoDBDocumentClient;
  tableName: string;
}): EscalationLog => ({
  async last(secretId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: { secretId }, ConsistentRead: true }));
    const item = out.Item;
    if (typeof item?.fingerprint !== 'string' || typeof item.sentAt !== 'string') return undefined;
    return { fingerprint: item.fingerprint, sentAt: item.sentAt };
  },
  async sent(secretId, { fingerprint, sentAt }, expiresAt) {
    await ddb.send(new PutCommand({ TableName: tableName, Item: { secretId, fingerprint, sentAt, expiresAt } }));
  },
  async clear(secretId) {
    await ddb.send(new DeleteCommand({ TableName: tableName, Key: { secretId } }));
  },
  async recorded() {
    const ids = new Set<string>();
    const pages = paginateScan({ client: ddb }, { TableName: tableName, ProjectionExpression: 'secretId' });
    for await (const page of pages) {
      for (const item of page.Items ?? []) if (typeof item.secretId === 'string') ids.add(item.secretId);
    }
    return ids;
  },
});

export type { EscalationLog, SentEscalation };
export { createEscalationLog };

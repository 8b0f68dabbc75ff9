// Detector state per secret in DynamoDB (≤ 2 KB each) and the last minute it was fed.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredDetector } from '../domain/detect-window.ts';
import type { DetectorState } from '../domain/detector.ts';

const createDetectorStore = ({ ddb, tableName }: { ddb: DynamoDBDocumentClient; tableName: string }) => ({
  async load(secretArn: string): Promise<StoredDetector | undefined> {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: { pk: secretArn }, ConsistentRead: true }));
    if (!out.Item || typeof out.Item.state !== 'string') return undefined;
    return { state: JSON.parse(out.Item.state) as DetectorState, last: Number(out.Item.last) };
  },
  async save(secretArn: string, stored: StoredDetector): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: secretArn, state: JSON.stringify(stored.state), last: stored.last },
      }),
    );
  },
});

type DetectorStore = ReturnType<typeof createDetectorStore>;

export type { DetectorStore };
export { createDetectorStore };

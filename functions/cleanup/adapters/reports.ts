// The scan report in DynamoDB (CleanupReportsTable: partition key `scanId`, sort key `arn`): one item per candidate and
// per exempt secret, written by the page that found it and overwritten with the outcome once the Map acted on it.
// A report is too large for a state machine payload (100,000 secrets can mean tens of thousands of rows), so the
// workflow carries counts and `smcp cleanup` reads the rows from here. Items expire (`expiresAt`, DynamoDB TTL).
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportRow } from '../schemas.ts';

const BATCH = 25;
const MAX_ATTEMPTS = 8;

interface ReportStore {
  put(scanId: string, rows: readonly ReportRow[], expiresAt: number): Promise<void>;
  /** Every row of a scan, page by page (1 MB of items a query). */
  rows(scanId: string): AsyncGenerator<ReportRow[]>;
}

const createReportStore = ({ ddb, tableName }: { ddb: DynamoDBDocumentClient; tableName: string }): ReportStore => ({
  async put(scanId, rows, expiresAt) {
    for (let i = 0; i < rows.length; i += BATCH) {
      let requests = rows.slice(i, i + BATCH).map((row) => ({ PutRequest: { Item: { scanId, ...row, expiresAt } } }));
      // Unprocessed items (throttling) are sent again; the step's Retry takes over if they keep coming back.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === MAX_ATTEMPTS) throw new Error(`${requests.length} report rows were not written`);
        const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  },

  async *rows(scanId) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'scanId = :scanId',
          ExpressionAttributeValues: { ':scanId': scanId },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      yield (out.Items ?? []).map((item) => ({
        kind: item.kind === 'exempt' ? 'exempt' : 'candidate',
        name: String(item.name ?? ''),
        arn: String(item.arn ?? ''),
        lastUsed: typeof item.lastUsed === 'string' ? item.lastUsed : null,
        reason: String(item.reason ?? ''),
        phase: String(item.phase ?? ''),
        action: String(item.action ?? ''),
      }));
      start = out.LastEvaluatedKey;
    } while (start);
  },
});

export type { ReportStore };
export { createReportStore };

// Record The Page: adds a page's rows to the execution's report and decides what comes next — another page here, a
// continuation (continue-as-new) when this execution's budget is spent, or the end of the scan (domain/scan.ts).
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Next, nextAfter } from '../domain/scan.ts';
import type { IterationResult, RecordPageInput, ReplicaRow, ScanProgress } from '../schemas.ts';

/** A secret whose report step failed still gets its line. */
const rowsOf = (result: IterationResult): ReplicaRow[] =>
  result.rows ??
  (result.failed
    ? [
        {
          secretId: result.failed.secretId,
          name: result.failed.name,
          region: '*',
          statusBefore: '-',
          action: 'none',
          statusAfter: '-',
          outcome: 'error',
          reason: 'the report step failed; see the execution history',
        },
      ]
    : []);

interface RecordedPage {
  readonly request: RecordPageInput['request'];
  readonly scan: RecordPageInput['page']['scan'];
  readonly progress: ScanProgress;
  readonly results: ReplicaRow[];
  readonly next: Next;
}

const createRecordPageStep =
  ({ logger }: { logger: Logger }) =>
  ({ request, progress, page, pageResults, results }: RecordPageInput): RecordedPage => {
    const merged = [...results, ...page.rows, ...pageResults.flatMap(rowsOf)];
    const updated: ScanProgress = {
      pages: progress.pages + 1,
      items: progress.items + page.candidates.length,
      rows: merged.length,
      listed: progress.listed + page.listed,
      described: progress.described + page.described,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
    const next = nextAfter(
      {
        pages: updated.pages,
        items: updated.items,
        rows: updated.rows,
        bytes: Buffer.byteLength(JSON.stringify(merged)),
      },
      page.cursor !== undefined,
    );
    logger.info('Scan page recorded', { scanId: page.scan.id, sequence: page.scan.sequence, ...updated, next });
    return { request, scan: page.scan, progress: updated, results: merged, next };
  };

export type { RecordedPage };
export { createRecordPageStep };

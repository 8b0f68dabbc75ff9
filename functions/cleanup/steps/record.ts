// Record Outcomes: the rows the Map's changes produced overwrite the rows the page wrote, so the report says what
// happened (marked, scheduled for deletion, rejected, …), not what was planned.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReportStore } from '../adapters/reports.ts';
import type { RecordInput } from '../schemas.ts';

const REPORT_DAYS = 30;

const createRecordStep =
  ({ reports, logger }: { reports: Pick<ReportStore, 'put'>; logger: Logger }) =>
  async ({ scan, outcomes }: RecordInput): Promise<{ recorded: number }> => {
    const expiresAt = Math.floor(Date.parse(scan.scanTime) / 1000) + REPORT_DAYS * 86_400;
    await reports.put(scan.scanId, outcomes, expiresAt);
    const tally: Record<string, number> = {};
    for (const outcome of outcomes) tally[outcome.action] = (tally[outcome.action] ?? 0) + 1;
    logger.info('Cleanup outcomes recorded', { scanId: scan.scanId, ...tally });
    return { recorded: outcomes.length };
  };

export { createRecordStep };

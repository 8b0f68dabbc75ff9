// Record Outcomes (cleanupRecord). Wiring only: see ../steps/record.ts.
import { dynamoDocumentClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createReportStore } from '../adapters/reports.ts';
import { RecordInput } from '../schemas.ts';
import { createRecordStep } from '../steps/record.ts';

const logger = createLogger();

const record = createRecordStep({
  reports: createReportStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('CLEANUP_REPORTS_TABLE') }),
  logger,
});

const handler = step({ logger, schema: RecordInput, handler: record });

export { handler };

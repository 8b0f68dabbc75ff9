// Scan Page (cleanupScanPage). Wiring only: see ../steps/scan-page.ts.
import { createSecretInventory } from '../../shared/adapters/inventory.ts';
import { dynamoDocumentClient, secretsManagerClient } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createReportStore } from '../adapters/reports.ts';
import { PageInput } from '../schemas.ts';
import { createScanPage } from '../steps/scan-page.ts';

const logger = createLogger();

const scanPage = createScanPage({
  inventory: createSecretInventory({ client: secretsManagerClient() }),
  reports: createReportStore({ ddb: dynamoDocumentClient(), tableName: requireEnv('CLEANUP_REPORTS_TABLE') }),
  logger,
});

const handler = step({ logger, schema: PageInput, handler: scanPage });

export { handler };

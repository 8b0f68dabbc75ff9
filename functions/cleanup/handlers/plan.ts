// Plan The Scan (cleanupPlan). Wiring only: see ../steps/plan-scan.ts.
import { createLogger } from '../../shared/logger.ts';
import { lazy, step } from '../../shared/step.ts';
import { readSettings } from '../domain/settings.ts';
import { PlanInput } from '../schemas.ts';
import { createPlanScan } from '../steps/plan-scan.ts';

const logger = createLogger();

const plan = createPlanScan({
  // Read on the first scan, not at load: a bad param then fails the step with its name (CleanupSettingsError).
  settings: lazy(() => readSettings(process.env)),
  region: process.env.AWS_REGION ?? 'us-east-1',
  logger,
});

const handler = step({ logger, schema: PlanInput, handler: plan });

export { handler };

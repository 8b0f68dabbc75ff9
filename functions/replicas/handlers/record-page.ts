// Record The Page (replica-repair): no AWS calls. Wiring only: see ../steps/record-page.ts.
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { RecordPageInput } from '../schemas.ts';
import { createRecordPageStep } from '../steps/record-page.ts';

const logger = createLogger();

const handler = step({ logger, schema: RecordPageInput, handler: createRecordPageStep({ logger }) });

export { handler };

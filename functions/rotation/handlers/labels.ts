// Promote Pending To Current, Discard Pending Version, Roll Back To Previous (and the aftercare workflows' label
// moves). Wiring only: see ../steps/labels.ts.
import { secretsManagerClient } from '../../shared/clients.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createSecretLabels } from '../adapters/secret-labels.ts';
import { LabelsInput } from '../schemas.ts';
import { createLabelStep } from '../steps/labels.ts';

const logger = createLogger();

const moveLabels = createLabelStep({ secrets: createSecretLabels({ client: secretsManagerClient() }), logger });

const handler = step({ logger, schema: LabelsInput, handler: moveLabels });

export { handler };

// detect-spikes: fired every minute by the detect-spikes rule. Wiring only: see ../steps/detect.ts.
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { eventBridgeClient, s3Client } from '../../shared/clients.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { step } from '../../shared/step.ts';
import { createCounters } from '../adapters/counters.ts';
import { createDetectorStore } from '../adapters/detector-store.ts';
import { detectorParamsFrom } from '../domain/detect-window.ts';
import { DetectSpikesInput } from '../schemas.ts';
import { createDetect } from '../steps/detect.ts';

const logger = createLogger();

const detect = createDetect({
  logger,
  counters: createCounters({ s3: s3Client(), bucket: requireEnv('READ_STATE_BUCKET') }),
  store: createDetectorStore({ s3: s3Client(), bucket: requireEnv('READ_STATE_BUCKET') }),
  bus: createEventPublisher({ events: eventBridgeClient(), busName: requireEnv('EVENT_BUS_NAME') }),
  params: detectorParamsFrom(requireEnv('READ_DETECTOR_PARAMS')),
  closeAfterMs: Number(requireEnv('READ_CLOSE_AFTER_SECONDS')) * 1000,
});

// The schedule event's time, not the clock: a late or retried invocation judges the minutes it was meant to.
const handler = step({ logger, schema: DetectSpikesInput, handler: (event) => detect(new Date(event.time)) });

export { handler };

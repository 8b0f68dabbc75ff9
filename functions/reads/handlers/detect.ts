// detect-spikes: fired every minute by the detect-spikes rule. Wiring only: see ../detect.ts.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { z } from 'zod';
import { createEventPublisher } from '../../shared/adapters/bus.ts';
import { requireEnv } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { createCounters } from '../adapters/counters.ts';
import { createDetectorStore } from '../adapters/detector-store.ts';
import { createDetect, type DetectSummary } from '../detect.ts';
import { detectorParamsFrom } from '../domain/detect-window.ts';

const logger = createLogger();
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const detect = createDetect({
  logger,
  counters: createCounters({ ddb, tableName: requireEnv('READ_COUNTERS_TABLE') }),
  store: createDetectorStore({ ddb, tableName: requireEnv('READ_DETECTOR_TABLE') }),
  bus: createEventPublisher({ events: new EventBridgeClient({}) }),
  params: detectorParamsFrom(process.env.READ_DETECTOR_PARAMS),
  closeAfterMs: Number(process.env.READ_CLOSE_AFTER_SECONDS ?? '300') * 1000,
});

const detectSpikes = async (event: z.infer<typeof EventBridgeSchema>): Promise<DetectSummary> =>
  detect(new Date(event.time));

const handler = middy(detectSpikes)
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(parser({ schema: EventBridgeSchema }));

export { handler };

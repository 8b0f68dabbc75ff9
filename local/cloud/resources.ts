// Creates what the stack declares in the emulators: queues (dead-letter queues first: a queue's RedrivePolicy names
// its dead-letter queue), topics, buckets (with their notifications and policies), tables, state machines, and the event source mappings from queues to functions.
import type { DynamoDbEmulator } from '../dynamodb/index.ts';
import type { LambdaRuntime } from '../lambda/runtime.ts';
import type { S3Emulator } from '../s3/index.ts';
import type { SnsEmulator } from '../sns/index.ts';
import type { SqsEmulator } from '../sqs/index.ts';
import type { LocalStack } from '../stack/build.ts';
import type { StepFunctions } from '../stepfunctions/index.ts';

interface Emulators {
  readonly sqs: SqsEmulator;
  readonly sns: SnsEmulator;
  readonly dynamodb: DynamoDbEmulator;
  readonly stepfunctions: StepFunctions;
  readonly lambda: LambdaRuntime;
  readonly s3: S3Emulator;
}

const createResources = async (stack: LocalStack, { sqs, sns, dynamodb, stepfunctions, lambda, s3 }: Emulators) => {
  const queues = [...stack.queues].sort(
    (a, b) => Number('RedrivePolicy' in a.attributes) - Number('RedrivePolicy' in b.attributes),
  );
  for (const queue of queues) sqs.createQueue(queue.name, queue.attributes);
  for (const topic of stack.topics) sns.createTopic(topic.name);
  for (const bucket of stack.buckets) {
    s3.declareBucket({
      name: bucket.name,
      region: stack.pseudo.region,
      eventBridge: bucket.eventBridge,
      ...(bucket.policy === undefined ? {} : { policy: bucket.policy }),
      lifecycle: bucket.lifecycle,
    });
  }
  for (const table of stack.tables) await dynamodb.createTable(table.properties as never);
  for (const machine of stack.stateMachines) {
    stepfunctions.registerStateMachine({ name: machine.name, definition: machine.definition });
  }
  for (const mapping of stack.eventSourceMappings) {
    sqs.attachConsumer(mapping.queueArn.split(':').at(-1) ?? '', {
      batchSize: mapping.batchSize,
      maximumBatchingWindowMs: mapping.maximumBatchingWindowSeconds * 1000,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      // The batch is built for this one invocation (see LambdaRuntime.invoke).
      handler: async (event) => (await lambda.invoke(mapping.functionName, event, { fresh: true })) as never,
    });
  }
};

export { createResources };

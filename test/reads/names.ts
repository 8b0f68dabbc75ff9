// The read-spike area's resource names as the local cloud resolved them from serverless.yml, looked up by the
// logical id or function key the area's yml gives them: tests never spell out `smcp-<stage>-…`.
import type { LocalStack } from '../../local/stack/build.ts';

const tableName = (stack: LocalStack, logicalId: string): string => {
  const name = stack.tables.find((t) => t.logicalId === logicalId)?.properties.TableName;
  if (typeof name !== 'string') throw new Error(`The stack has no table ${logicalId}`);
  return name;
};

const queueName = (stack: LocalStack, logicalId: string): string => {
  const queue = stack.queues.find((q) => q.logicalId === logicalId);
  if (!queue) throw new Error(`The stack has no queue ${logicalId}`);
  return queue.name;
};

const functionName = (stack: LocalStack, key: string): string => {
  const fn = stack.functions.find((f) => f.key === key);
  if (!fn) throw new Error(`The stack has no function ${key}`);
  return fn.name;
};

/** serverless/reads.yml's resources (and the service-wide dead-letter queue ingest-reads parks records in). */
const readsNames = (stack: LocalStack) => ({
  countersTable: tableName(stack, 'ReadCountersTable'),
  detectorTable: tableName(stack, 'ReadDetectorTable'),
  readEventsQueue: queueName(stack, 'ReadEventsQueue'),
  deadLetterQueue: queueName(stack, 'DeadLetterQueue'),
  /** The approvals area's decision function, which a waiting quarantine's approval goes to. */
  approveFunction: functionName(stack, 'approve'),
});

export { functionName, queueName, readsNames, tableName };

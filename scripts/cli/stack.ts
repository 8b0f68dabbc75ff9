// The names the CLI addresses (tables, functions) come from the stack as it deploys: serverless.yml resolved by osls
// (`serverless print`, cached by a digest of its inputs) and built as the local cloud builds it. Nothing here spells
// `smcp-<stage>-…`, so a renamed function or table is found, or fails with a message that says which.
import { fileURLToPath } from 'node:url';
import { buildStack, type LocalStack } from '../../local/stack/build.ts';
import { loadServiceConfig } from '../../local/stack/service-config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The stage's stack. Names depend on the service and the stage only; the region and account only shape ARNs, which
 * the CLI does not use.
 */
const resolveStack = async ({ stage, endpoint }: { stage: string; endpoint: string }): Promise<LocalStack> =>
  buildStack(
    await loadServiceConfig({ root: ROOT, stage }),
    { region: process.env.AWS_REGION ?? 'us-east-1', account: '000000000000' },
    endpoint,
  );

/** A function's name by its key in serverless/<area>.yml (`approve`). */
const functionNamed = (stack: Pick<LocalStack, 'functions'>, key: string): string => {
  const fn = stack.functions.find((candidate) => candidate.key === key);
  if (!fn) throw new Error(`serverless.yml declares no function "${key}"`);
  return fn.name;
};

/** A table's name by its logical id in serverless/<area>.yml (`ApprovalsTable`). */
const tableNamed = (stack: Pick<LocalStack, 'tables'>, logicalId: string): string => {
  const table = stack.tables.find((candidate) => candidate.logicalId === logicalId);
  if (!table) throw new Error(`serverless.yml declares no table "${logicalId}"`);
  return String(table.properties.TableName);
};

/** A queue's name by its logical id (`ReadLogFilesQueue`). */
const queueNamed = (stack: Pick<LocalStack, 'queues'>, logicalId: string): string => {
  const queue = stack.queues.find((candidate) => candidate.logicalId === logicalId);
  if (!queue) throw new Error(`serverless.yml declares no queue "${logicalId}"`);
  return queue.name;
};

export { functionNamed, queueNamed, resolveStack, tableNamed };

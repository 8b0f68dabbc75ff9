// Continue In A New Execution: the scan goes on in a fresh execution of the cleanup state machine with its cursor, so
// no execution comes near Step Functions' 25,000 history events whatever the inventory. The new execution's name is
// `<scan id>-p<part>`; `smcp cleanup` follows the chain through each execution's output (`continuedAs`).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Continuations } from '../adapters/continuations.ts';
import type { ContinueInput } from '../schemas.ts';

const MAX_NAME = 80;

const partName = (scanId: string, part: number) => {
  const suffix = `-p${part}`;
  return `${scanId.slice(0, MAX_NAME - suffix.length)}${suffix}`;
};

const createContinueStep =
  ({ continuations, logger }: { continuations: Continuations; logger: Logger }) =>
  async ({ scan, cursor }: ContinueInput) => {
    const part = scan.part + 1;
    const name = partName(scan.scanId, part);
    const { executionArn } = await continuations.start(name, {
      scan: { ...scan, part },
      // A fresh execution has its whole history budget again; the totals carry on.
      cursor: { ...cursor, pages: 0, events: 0 },
    });
    logger.info('Cleanup scan continues in a new execution', { scanId: scan.scanId, part, executionArn });
    return { executionArn, part };
  };

export { createContinueStep, partName };

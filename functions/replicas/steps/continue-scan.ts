// Continue In A New Execution: a scan that has used this execution's budget (domain/scan.ts) goes on in a fresh
// execution of the same state machine from where it stopped (continue-as-new), so no execution nears Step Functions'
// 25,000 history events or 256 KB payloads at any inventory size. The name is derived from the scan and its sequence:
// a retried step starts nothing twice.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ScanContinuation } from '../adapters/continuation.ts';
import { continuationName } from '../domain/scan.ts';
import type { ContinueInput } from '../schemas.ts';

const createContinueStep =
  ({ continuation, logger }: { continuation: ScanContinuation; logger: Logger }) =>
  async ({ request, progress, scan }: ContinueInput): Promise<{ executionArn: string; name: string }> => {
    const sequence = scan.sequence + 1;
    const name = continuationName(scan.id, sequence);
    const input = {
      ...(request.trigger ? { trigger: request.trigger } : {}),
      secretId: null,
      detail: request.detail ?? {},
      dryRun: scan.dryRun,
      scan: { id: scan.id, sequence, ...(progress.cursor ? { cursor: progress.cursor } : {}) },
    };
    const started = await continuation.start(name, input);
    logger.info('Scan continues in a new execution', { scanId: scan.id, sequence, name, status: started.status });
    return { executionArn: started.executionArn, name };
  };

export { createContinueStep };

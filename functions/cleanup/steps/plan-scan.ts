// Plan The Scan, the workflow's first step: the scan's settings, fixed for every execution it continues into — the
// stage's params, the mode (the run's own when `smcp cleanup --mode` asked for one), and the instant ages are judged
// at (the trigger's time: on the local cloud that is the local clock, which `POST /_smcp/clock` moves).
import type { Logger } from '@aws-lambda-powertools/logger';
import { dayOf } from '../domain/days.ts';
import type { CleanupSettings } from '../domain/settings.ts';
import { CleanupSettingsError } from '../errors.ts';
import type { Cursor, PlanInput, Scan } from '../schemas.ts';

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_PAGES_PER_EXECUTION = 250;

interface PlanDeps {
  /** Read once per container: a bad param fails every scan with the same message. */
  readonly settings: () => CleanupSettings;
  readonly region: string;
  readonly pagesPerExecution?: number;
  readonly logger: Logger;
}

const createPlanScan =
  ({ settings, region, pagesPerExecution = DEFAULT_PAGES_PER_EXECUTION, logger }: PlanDeps) =>
  async (input: PlanInput): Promise<{ scan: Scan; cursor: Cursor }> => {
    const stage = settings();
    const request = input.request.detail ?? {};
    const { time } = input.request.trigger;
    const today = dayOf(time);
    if (today === undefined) throw new CleanupSettingsError('The trigger has no valid time to judge ages at');
    const scan: Scan = {
      scanId: input.scanId,
      scanTime: new Date(time).toISOString(),
      today,
      mode: request.mode ?? stage.mode,
      dryRun: request.dryRun ?? false,
      requestedBy: request.requestedBy ?? 'cleanup',
      region,
      part: 1,
      pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE,
      pagesPerExecution: request.pagesPerExecution ?? pagesPerExecution,
      unusedDays: stage.unusedDays,
      graceDays: stage.graceDays,
      recoveryDays: stage.recoveryDays,
      exemptPrefixes: [...stage.exemptPrefixes],
      approvalDefault: stage.approvalDefault,
      ...(request.namePrefix === undefined ? {} : { namePrefix: request.namePrefix }),
    };
    logger.info('Cleanup scan planned', { scanId: scan.scanId, mode: scan.mode, dryRun: scan.dryRun, today });
    return { scan, cursor: { nextToken: null, pages: 0, events: 0, scanned: 0, candidates: 0, exempt: 0 } };
  };

export { createPlanScan, DEFAULT_PAGE_SIZE, DEFAULT_PAGES_PER_EXECUTION };

// The approval decision: checks the approver against policy, decides the record once (a conditional write), then
// completes the waiting task with SendTaskSuccess (approved) or SendTaskFailure `ApprovalRejected` (rejected). A
// refusal answers with a reason and calls nothing. Every door (the `approve` function and `smcp approve`, the Slack
// endpoint, the signed links) verifies its caller first and then calls this.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { ApprovalStore, FinalStatus } from '../adapters/store.ts';
import type { TaskCallbacks } from '../adapters/tasks.ts';
import { decide, withoutTaskToken } from '../domain/record.ts';
import { ApprovalAlreadyDecidedError, ApprovalExpiredError, ApprovalNotFoundError } from '../errors.ts';
import type { ApprovalDecidedDetail, DecideApprovalInput } from '../schemas.ts';

// The error the waiting states catch (statemachines/rotation.asl.yml, read-anomaly-response.asl.yml).
const REJECTED_ERROR = 'ApprovalRejected';

interface DecideDeps {
  readonly store: Pick<ApprovalStore, 'get' | 'markDecided' | 'markExpired'>;
  readonly tasks: TaskCallbacks;
  readonly bus: EventPublisher;
  readonly logger: Logger;
  readonly allowlist: () => Iterable<string>;
  readonly now?: () => Date;
}

/** What a door asks once it knows who is calling: the `approve` function's input. */
type DecisionRequest = DecideApprovalInput;

type DecisionResult =
  | { ok: true; approvalId: string; status: string; decidedBy: string; workflowNotified: boolean }
  | { ok: false; approvalId: string; reason: string };

// The workflow stopped waiting (timed out, aborted): the decision is recorded but nothing is left to complete.
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const createDecideStep =
  ({ store, tasks, bus, logger, allowlist, now = () => new Date() }: DecideDeps) =>
  async ({ approvalId, decision, approver, approverPrincipal }: DecisionRequest): Promise<DecisionResult> => {
    const refuse = (reason: string): DecisionResult => {
      // Fixed reasons only: the approver comes from a request and is not echoed.
      logger.warn('Approval decision refused', { approvalId, reason });
      return { ok: false, approvalId, reason };
    };
    const record = await store.get(approvalId);
    if (!record) return refuse('approval not found');
    const at = now();
    const verdict = decide(record, { decision, approver, approverPrincipal, now: at, allowlist: allowlist() });
    if (!verdict.ok) return refuse(verdict.reason);
    const next = verdict.next;
    let decided: typeof record;
    try {
      decided = await store.markDecided(approvalId, {
        status: next.status as 'approved' | 'rejected',
        decidedBy: next.decidedBy ?? '',
        decidedAt: next.decidedAt ?? at.toISOString(),
      });
    } catch (error) {
      if (error instanceof ApprovalAlreadyDecidedError) return refuse('already decided');
      if (error instanceof ApprovalExpiredError) return refuse('expired');
      if (error instanceof ApprovalNotFoundError) return refuse('approval not found');
      throw error;
    }
    const decidedBy = decided.decidedBy ?? '';
    let workflowNotified = true;
    try {
      if (decided.status === 'approved') {
        await tasks.succeed(decided.taskToken, { approvalId, decidedBy, decidedAt: decided.decidedAt });
      } else {
        await tasks.fail(decided.taskToken, REJECTED_ERROR, `Rejected by ${decidedBy}`);
      }
    } catch (error) {
      if (!GONE.has((error as Error).name)) throw error;
      workflowNotified = false;
    }
    if (!workflowNotified) {
      // The workflow stopped waiting first (timed out, aborted, or completed by a caller holding the token): the
      // decision changed nothing, so it is recorded as expired, not as approved or rejected, and published as such.
      const expired =
        (await store.markExpired(approvalId, {
          status: decided.status as FinalStatus,
          decidedAt: decided.decidedAt ?? '',
        })) ?? decided;
      await bus.publish('Approval Expired', { ...withoutTaskToken(expired), workflowNotified }, [decided.secretId]);
      logger.warn('Approval decided after the workflow stopped waiting: recorded as expired', {
        approvalId,
        status: expired.status,
      });
      return { ok: false, approvalId, reason: 'expired' };
    }
    const detail: ApprovalDecidedDetail = { ...withoutTaskToken(decided), workflowNotified };
    await bus.publish('Approval Decided', detail, [decided.secretId]);
    logger.info('Approval decided', { approvalId, status: decided.status, decidedBy, workflowNotified });
    return { ok: true, approvalId, status: decided.status, decidedBy, workflowNotified };
  };

export type { DecideDeps, DecisionRequest, DecisionResult };
export { createDecideStep, REJECTED_ERROR };

// The dispatcher's business function: triage one delivery, then start its workflow or park the event.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import type { DeadLetterQueue } from '../../shared/adapters/dead-letters.ts';
import type { WorkflowStarter } from '../adapters/workflows.ts';
import { type Rejection, triage } from '../domain/triage.ts';
import { WorkflowNotDeployedError } from '../errors.ts';
import type { DispatchEnvelope } from '../schemas.ts';

// SQS's message size (and the dead-letter queue's MaximumMessageSize).
const MAX_LETTER_BYTES = 262_144;
const fitsInAMessage = (letter: object) => Buffer.byteLength(JSON.stringify(letter)) <= MAX_LETTER_BYTES;

type DispatchResult =
  | { status: 'started' | 'duplicate'; workflow: string; executionArn: string }
  | { status: 'rejected'; reason: string };

interface DispatchDeps {
  readonly workflows: WorkflowStarter;
  readonly deadLetters: DeadLetterQueue;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Never throws for a bad event: a rejected event is logged and parked in the dead-letter queue, because throwing would
 * only make EventBridge and Lambda retry something that can never succeed. Transient AWS errors do throw, so the
 * asynchronous invocation is retried.
 */
const createDispatch = ({ workflows, deadLetters, logger, now = () => new Date() }: DispatchDeps) => {
  const reject = async (
    rejection: Rejection,
    parsed: ParsedResult<unknown, DispatchEnvelope>,
  ): Promise<DispatchResult> => {
    const { reason, issues, rule, eventId } = rejection;
    // The log says what is wrong, never the payload; the dead letter keeps the event itself for a later replay.
    logger.error('Rejected event', { reason, issues, rule, eventId });
    const event = parsed.success ? parsed.data.event : parsed.originalEvent;
    const letter = { source: 'dispatch', reason, issues, rule, eventId, rejectedAt: now().toISOString() };
    // An event that cannot fit in a queue message with its reason goes without it: its id and the reason are enough
    // to find it upstream.
    const whole = rejection.oversized ? undefined : { ...letter, event };
    await deadLetters.send(whole && fitsInAMessage(whole) ? whole : { ...letter, eventOmitted: true });
    return { status: 'rejected', reason };
  };

  return async (parsed: ParsedResult<unknown, DispatchEnvelope>): Promise<DispatchResult> => {
    const decision = triage(parsed);
    if (decision.kind === 'reject') return reject(decision, parsed);
    const { rule, workflow, name, input } = decision;
    try {
      const result = await workflows.start(workflow, name, input);
      logger.info(result.status === 'started' ? 'Workflow started' : 'Duplicate delivery: workflow already started', {
        rule,
        workflow,
        eventId: input.trigger.eventId,
        executionArn: result.executionArn,
      });
      return { status: result.status, workflow, executionArn: result.executionArn };
    } catch (error) {
      if (!(error instanceof WorkflowNotDeployedError)) throw error;
      return reject(
        { kind: 'reject', reason: error.message, issues: [], rule, eventId: input.trigger.eventId },
        parsed,
      );
    }
  };
};

export type { DispatchDeps, DispatchResult };
export { createDispatch };
